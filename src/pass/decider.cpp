/// Deciding claimed rows: benchmarks, staging, engines, verdicts. Shared by
/// the pass (a chunk) and the queue consumers (one row).
#include "biosense/pass/decider.hpp"

#include <fmt/format.h>

#include "biosense/engine/image.hpp"
#include "biosense/util/parallel.hpp"

namespace biosense {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

Decider::Decider(Repository& repo, std::vector<FaceEngine*> engines, const Calibration& calibration,
                 DeciderOptions options, Logger& log, std::function<void(const Decision&)> on_inline)
    : repo_(repo),
      engines_(std::move(engines)),
      calibration_(calibration),
      options_(std::move(options)),
      log_(log),
      on_inline_(std::move(on_inline)) {
  if (engines_.empty()) throw std::invalid_argument("a decider needs at least one engine");
}

DecidedRows Decider::decide(ImageKind kind, const std::vector<ImageRow>& rows, StagedFiles& staged) {
  DecidedRows out;
  if (rows.empty()) return out;
  const auto started_at = std::chrono::system_clock::now();
  const StageArea area = kind == ImageKind::Train ? StageArea::Benchmark : StageArea::Streaming;

  // Resolve benchmarks first: rows whose benchmark is being validated by
  // another worker are handed back as busy.
  std::vector<Benchmark> benchmark(rows.size());
  if (kind == ImageKind::Stream) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      benchmark[i] = benchmark_for(rows[i].lan_id, staged);
      if (benchmark[i].state == Benchmark::State::Busy) out.busy.push_back(rows[i].id);
    }
  }

  // Stage and analyse the photos that need the engine.
  std::vector<std::size_t> index;
  std::vector<const Bytes*> photos;
  std::vector<std::filesystem::path> files;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const bool needs_engine =
        rows[i].image && (kind == ImageKind::Train || benchmark[i].state == Benchmark::State::Ready);
    if (!needs_engine) continue;
    index.push_back(i);
    photos.push_back(&*rows[i].image);
    files.push_back(options_.dry_run ? std::filesystem::path{}
                                     : staged.stage(rows[i].lan_id, area, rows[i].id, *rows[i].image));
  }
  const Gallery* gallery = kind == ImageKind::Stream ? gallery_for(rows, benchmark) : nullptr;
  const std::vector<AnalysisResult> analyses = analyze(kind == ImageKind::Train, photos, files, out.engine_seconds);
  std::vector<const AnalysisResult*> analysis_of(rows.size(), nullptr);
  for (std::size_t k = 0; k < index.size(); ++k) analysis_of[index[k]] = &analyses[k];

  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (kind == ImageKind::Stream && benchmark[i].state == Benchmark::State::Busy) continue;
    Decision d = kind == ImageKind::Train
                     ? decide_train(rows[i], analysis_of[i], options_.policy)
                     : decide_stream(rows[i], benchmark[i], analysis_of[i], options_.policy, calibration_, gallery);
    d.started_at = started_at;
    d.finished_at = std::chrono::system_clock::now();
    d.detail += fmt::format("; attempt {}", rows[i].attempts);
    out.decisions.push_back(std::move(d));
  }
  return out;
}

const Gallery* Decider::gallery_for(const std::vector<ImageRow>& rows, const std::vector<Benchmark>& benchmarks) {
  if (options_.gallery == nullptr || !options_.policy.gallery_check) return nullptr;
  const std::size_t loads = options_.gallery->loads();
  const auto start = Clock::now();
  Gallery& gallery = options_.gallery->current(repo_, options_.policy.encoding_version);
  if (options_.gallery->loads() != loads)
    log_.debug(fmt::format("gallery loaded: {} enrolled benchmark(s) of {} in {:.3f}s", gallery.size(),
                           options_.policy.encoding_version, seconds_since(start)));
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (benchmarks[i].state == Benchmark::State::Ready)
      gallery.put(GalleryEntry{rows[i].lan_id, benchmarks[i].train_img_id, benchmarks[i].encoding});
  return &gallery;
}

std::vector<AnalysisResult> Decider::analyze(bool enrolment, const std::vector<const Bytes*>& photos,
                                             const std::vector<std::filesystem::path>& files, double& seconds) {
  const auto start = Clock::now();
  std::vector<AnalysisResult> results(photos.size());
  parallel_for(
      photos.size(), static_cast<int>(engines_.size()), lend_each(engines_), [&](FaceEngine* engine, std::size_t i) {
        const auto look = [&](const Bytes& bytes) {
          return enrolment ? engine->analyze_enrolment(bytes) : engine->analyze(bytes);
        };
        // The engine reads the staged file, as the user's folder design has it.
        results[i] = !files.empty() && !files[i].empty() ? look(read_staged(files[i], *photos[i])) : look(*photos[i]);
      });
  seconds += seconds_since(start);
  return results;
}

Benchmark Decider::benchmark_for(const std::string& lan_id, StagedFiles& staged) {
  if (auto it = benchmarks_.find(lan_id); it != benchmarks_.end()) return it->second;
  Benchmark b;
  const auto newest = repo_.newest_train_image(lan_id);
  if (!newest) {
    b.detail = "agent has no training image";
  } else if (newest->status == Status::Failed) {
    b.state = Benchmark::State::Failed;
    b.train_img_id = newest->id;
    b.detail = fmt::format("newest training image {} failed validation ({})", newest->id,
                           newest->result.value_or("no result"));
  } else if (newest->status == Status::Pending) {
    b = validate_inline(*newest, staged);
  } else if (newest->status == Status::Claimed) {
    b.state = Benchmark::State::Busy;  // another worker is validating it right now
  } else {
    b = encode_approved(*newest, staged);
  }
  if (b.state != Benchmark::State::Busy) benchmarks_[lan_id] = b;
  return b;
}

Benchmark Decider::validate_inline(const TrainImageInfo& newest, StagedFiles& staged) {
  auto row = options_.dry_run ? repo_.load_train_image(newest.id) : repo_.claim_train_image(newest.id, options_.worker);
  Benchmark b;
  if (!row) {
    b.state = Benchmark::State::Busy;
    return b;
  }
  std::vector<std::filesystem::path> files;
  if (row->image && !options_.dry_run)
    files.push_back(staged.stage(row->lan_id, StageArea::Benchmark, row->id, *row->image));
  double ignored = 0.0;
  std::vector<AnalysisResult> analysis;
  if (row->image) analysis = analyze(true, {&*row->image}, files, ignored);
  Decision d = decide_train(*row, analysis.empty() ? nullptr : &analysis.front(), options_.policy);
  d.started_at = d.finished_at = std::chrono::system_clock::now();
  d.detail += "; validated inline by a stream pass";
  if (!options_.dry_run) repo_.commit_decisions({d}, options_.worker);
  if (on_inline_) on_inline_(d);
  log_.info(fmt::format("training image {} ({}) validated inline: {}", d.id, d.lan_id, result_code_name(d.result)));
  b.train_img_id = d.id;
  if (d.result == ResultCode::Success) {
    b.state = Benchmark::State::Ready;
    b.encoding = d.encoding->encoding;
    b.mirror_gap = d.encoding->mirror_gap;
  } else {
    b.state = Benchmark::State::Failed;
    b.detail =
        fmt::format("newest training image {} failed validation ({}: {})", d.id, result_code_name(d.result), d.detail);
  }
  return b;
}

Benchmark Decider::encode_approved(const TrainImageInfo& approved, StagedFiles& staged) {
  Benchmark b;
  b.train_img_id = approved.id;
  auto stored = repo_.load_encoding(approved.id, options_.policy.encoding_version);
  if (stored && (stored->mirror_gap || !options_.policy.mirror_gaps)) {
    b.state = Benchmark::State::Ready;
    b.encoding = stored->encoding;
    b.mirror_gap = stored->mirror_gap;
    return b;
  }
  // An approved benchmark without an encoding (approved before biosense, or
  // encoded by another model or encoding version), or with a mirrored one
  // cached before its mirror gap was kept: encode it once and keep the encoding.
  auto row = repo_.load_train_image(approved.id);
  std::vector<AnalysisResult> analysis;
  if (row && row->image) {
    std::vector<std::filesystem::path> files;
    if (!options_.dry_run) files.push_back(staged.stage(row->lan_id, StageArea::Benchmark, row->id, *row->image));
    double ignored = 0.0;
    analysis = analyze(true, {&*row->image}, files, ignored);
  }
  const auto* result = analysis.empty() ? nullptr : std::get_if<FaceAnalysis>(&analysis.front());
  if (result == nullptr || result->faces.empty()) {
    b.state = Benchmark::State::Failed;
    b.detail = fmt::format("approved training image {} has no usable face", approved.id);
    return b;
  }
  const Face& face = result->faces.front();
  b.state = Benchmark::State::Ready;
  b.encoding = face.encoding;
  b.mirror_gap = face.mirror_gap;
  if (!options_.dry_run)
    repo_.save_encoding(StoredEncoding{approved.id, options_.policy.encoding_version, face.encoding, face.box,
                                       face.sharpness, face.mirror_gap});
  return b;
}

}  // namespace biosense
