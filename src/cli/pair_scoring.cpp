#include "pair_scoring.hpp"
#include "engine_models.hpp"

#include <unistd.h>

#include <iostream>

#include <fmt/format.h>

namespace biosense::cli {

ScoredPairsFile score_pairs_file(const CommandContext& ctx, const std::string& pairs, const std::string& images,
                                 int cpus, const DetectionOptions& detection) {
  ScoredPairsFile out{read_pairs_file(pairs), {}};
  const int threads = resolve_threads(cpus);
  limit_blas_threads();
  EngineOptions options;
  detection.apply_to(options);
  EnginePool pool(cli::load_models_for(ctx, detection, options), options, threads);
  ctx.log.info(fmt::format("{}: {} pairs ({}), encoding their images on {} thread(s)", pairs, out.file.pairs.size(),
                           to_string(out.file.format), threads));
  const bool tty = isatty(STDERR_FILENO) == 1;
  out.scored = score_pairs(out.file, images, pool, [tty](std::size_t done, std::size_t total) {
    if (tty && (done % 10 == 0 || done == total)) std::cerr << fmt::format("\r{}/{} images", done, total) << std::flush;
  });
  if (tty) std::cerr << '\n';
  return out;
}

}  // namespace biosense::cli
