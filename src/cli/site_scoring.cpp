#include "site_scoring.hpp"
#include "engine_models.hpp"

#include <limits>
#include <mutex>

#include <fmt/format.h>

#include "biosense/cli/errors.hpp"
#include "biosense/engine/dlib_engine.hpp"
#include "biosense/engine/engine_pool.hpp"
#include "biosense/storage/db_url.hpp"
#include "biosense/storage/repository.hpp"
#include "biosense/util/parallel.hpp"

namespace biosense::cli {

SiteScores score_site(const CommandContext& ctx, std::size_t max_snapshots, int cpus,
                      const DetectionOptions& detection) {
  SiteScores out;
  const std::string url = resolve_db_url_from_environment(ctx.global.db_url);
  out.database = parse_db_url(url).redacted();
  EngineOptions options;
  detection.apply_to(options);
  const std::string version = encoding_version(options);
  auto repo = open_repository(url);

  std::vector<SiteFace> benchmarks;
  for (const auto& entry : repo->load_gallery(version)) {
    const auto stored = repo->load_encoding(entry.train_img_id, version);
    benchmarks.push_back({entry.lan_id, entry.encoding, stored ? stored->mirror_gap : std::nullopt});
  }
  if (benchmarks.empty())
    throw UsageError(fmt::format(
        "{}: no agent has a benchmark encoded as '{}' yet: run a pass first (`biosense run --once`), with the "
        "detection and mirror settings you calibrate for",
        out.database, version));

  const int threads = resolve_threads(cpus);
  limit_blas_threads();
  EnginePool pool(cli::load_models_for(ctx, detection, options), options, threads);
  ctx.log.info(fmt::format("{}: {} agent(s) with a benchmark; encoding up to {} decided snapshot(s) on {} thread(s)",
                           out.database, benchmarks.size(), max_snapshots, threads));

  std::vector<SiteFace> snapshots;
  std::int64_t before = std::numeric_limits<std::int64_t>::max();
  constexpr std::size_t kChunk = 64;  // photos in memory at once
  while (out.snapshots_read < max_snapshots) {
    const auto rows = repo->decided_snapshots(before, std::min(kChunk, max_snapshots - out.snapshots_read));
    if (rows.empty()) break;
    before = rows.back().id;
    out.snapshots_read += rows.size();
    std::vector<std::optional<SiteFace>> faces(rows.size());
    parallel_for(rows.size(), pool.size(), pool.lender(), [&](DlibEngine* engine, std::size_t i) {
      const auto analysis = engine->analyze(*rows[i].image);
      const auto* found = std::get_if<FaceAnalysis>(&analysis);
      if (found == nullptr || found->faces.size() != 1) return;  // ambiguous or unreadable: not a clean label
      const Face& face = found->faces.front();
      faces[i] = SiteFace{rows[i].lan_id, face.encoding, face.mirror_gap};
    });
    for (auto& f : faces) {
      if (f)
        snapshots.push_back(std::move(*f));
      else
        ++out.snapshots_unusable;
    }
  }
  out.pairs = site_pairs(benchmarks, snapshots);
  return out;
}

}  // namespace biosense::cli
