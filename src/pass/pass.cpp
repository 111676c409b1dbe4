#include "biosense/pass/pass.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <signal.h>

#include <cerrno>
#include <set>

#include "biosense/engine/image.hpp"
#include "biosense/engine/models.hpp"
#include "biosense/pass/pass_log.hpp"
#include "biosense/util/parallel.hpp"

namespace biosense {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

/// A pid on this host is alive if signal 0 reaches it (EPERM: alive, not ours).
bool process_alive(long pid) { return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM; }

/// What the engine reads for one photo: the staged file, or (dry-run) the bytes.
struct Source {
  std::filesystem::path file;
  const Bytes* bytes = nullptr;
};

}  // namespace

PassSummary& PassSummary::operator+=(const PassSummary& o) {
  for (const auto& [code, n] : o.counts) counts[code] += n;
  decided += o.decided;
  reclaimed += o.reclaimed;
  released += o.released;
  swept += o.swept;
  seconds += o.seconds;
  engine_seconds += o.engine_seconds;
  interrupted = interrupted || o.interrupted;
  return *this;
}

std::string format_summary(ImageKind kind, const PassSummary& s, bool dry_run) {
  std::string counts;
  for (const auto& [code, n] : s.counts) counts += fmt::format(" {}={}", result_code_name(code), n);
  const double rate = s.seconds > 0 ? static_cast<double>(s.decided) / s.seconds : 0.0;
  return fmt::format(
      "{}pass {}: {} decided in {:.1f}s ({:.1f} rows/s){}{}{}{}", dry_run ? "dry-run " : "", image_kind_name(kind),
      s.decided, s.seconds, rate, counts, s.released ? fmt::format(" released={}", s.released) : "",
      s.reclaimed ? fmt::format(" reclaimed={}", s.reclaimed) : "", s.interrupted ? " (interrupted)" : "");
}

Pass::Pass(Repository& repo, std::vector<FaceEngine*> engines, const Calibration& calibration, PassOptions options,
           Logger& log, const std::atomic<bool>& stop, std::function<void(const Decision&)> on_decision)
    : repo_(repo),
      engines_(std::move(engines)),
      calibration_(calibration),
      options_(std::move(options)),
      log_(log),
      stop_(stop),
      on_decision_(std::move(on_decision)),
      workspace_(options_.data_dir, options_.keep_files) {
  if (engines_.empty()) throw std::invalid_argument("a pass needs at least one engine");
  if (options_.batch_size == 0) options_.batch_size = 1;
}

PassSummary Pass::run(ImageKind kind) {
  const auto start = Clock::now();
  PassSummary summary;
  benchmarks_.clear();
  deferred_.clear();
  if (!options_.dry_run) {
    summary.swept = workspace_.sweep(options_.lease);
    summary.reclaimed = repo_.reclaim_stale(kind, options_.lease, options_.host, process_alive);
    if (kind == ImageKind::Stream)  // inline benchmark validation claims train rows too
      summary.reclaimed += repo_.reclaim_stale(ImageKind::Train, options_.lease, options_.host, process_alive);
  }
  const std::int64_t max_id = repo_.max_pending_id(kind);
  std::int64_t after_id = 0;
  std::size_t taken = 0;  // rows fetched so far: --limit counts these
  while (max_id > 0 && !stop_) {
    std::size_t want = options_.batch_size;
    if (options_.limit > 0) {
      if (taken >= options_.limit) break;
      want = std::min(want, options_.limit - taken);
    }
    std::vector<ImageRow> rows;
    if (options_.dry_run) {
      rows = repo_.peek_pending(kind, want, after_id);
      rows.erase(std::remove_if(rows.begin(), rows.end(), [&](const ImageRow& r) { return r.id > max_id; }),
                 rows.end());
    } else {
      rows = repo_.claim(kind, want, max_id, options_.worker);
    }
    if (rows.empty()) break;
    after_id = rows.back().id;
    taken += rows.size();
    run_chunk(kind, std::move(rows), summary);
  }
  // Rows whose benchmark was busy stayed claimed, so this pass would not
  // claim them again; now they go back to N for the next pass.
  if (!deferred_.empty()) {
    repo_.release(kind, deferred_, options_.worker);
    summary.released += deferred_.size();
    deferred_.clear();
  }
  summary.interrupted = stop_;
  summary.seconds = seconds_since(start);
  return summary;
}

std::vector<AnalysisResult> Pass::analyze(const std::vector<const Bytes*>& photos,
                                          const std::vector<std::filesystem::path>& files, double& seconds) {
  const auto start = Clock::now();
  std::vector<AnalysisResult> results(photos.size());
  parallel_for(photos.size(), static_cast<int>(engines_.size()), lend_each(engines_),
               [&](FaceEngine* engine, std::size_t i) {
                 if (!files.empty() && !files[i].empty()) {
                   // The engine reads the staged file, as the user's folder design has it.
                   auto bytes = read_image_file(files[i], std::numeric_limits<std::size_t>::max());
                   if (auto* bad = std::get_if<InvalidImage>(&bytes))
                     results[i] = *bad;
                   else
                     results[i] = engine->analyze(std::get<Bytes>(bytes));
                 } else {
                   results[i] = engine->analyze(*photos[i]);
                 }
               });
  seconds += seconds_since(start);
  return results;
}

std::size_t Pass::run_chunk(ImageKind kind, std::vector<ImageRow> rows, PassSummary& summary) {
  const auto started_at = std::chrono::system_clock::now();
  const auto chunk_start = Clock::now();
  const PassSummary before = summary;  // for the chunk's log line
  StagedFiles staged(workspace_);
  const StageArea area = kind == ImageKind::Train ? StageArea::Benchmark : StageArea::Streaming;

  // Resolve benchmarks first: rows whose benchmark is being validated by
  // another worker go back to N for a later pass.
  std::vector<Benchmark> benchmark(rows.size());
  std::vector<std::int64_t> busy;
  if (kind == ImageKind::Stream) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      benchmark[i] = benchmark_for(rows[i].lan_id, staged);
      if (benchmark[i].state == Benchmark::State::Busy) busy.push_back(rows[i].id);
    }
  }
  if (!busy.empty())
    log_.warn(
        fmt::format("stream rows {} skipped until the next pass: their agent's new benchmark is being validated "
                    "by another worker",
                    fmt::join(busy, ",")));

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
  const std::vector<AnalysisResult> analyses = analyze(photos, files, summary.engine_seconds);
  std::vector<const AnalysisResult*> analysis_of(rows.size(), nullptr);
  for (std::size_t k = 0; k < index.size(); ++k) analysis_of[index[k]] = &analyses[k];

  std::vector<Decision> decisions;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (kind == ImageKind::Stream && benchmark[i].state == Benchmark::State::Busy) continue;
    Decision d = kind == ImageKind::Train
                     ? decide_train(rows[i], analysis_of[i], options_.policy)
                     : decide_stream(rows[i], benchmark[i], analysis_of[i], options_.policy, calibration_);
    d.started_at = started_at;
    d.finished_at = std::chrono::system_clock::now();
    d.detail += fmt::format("; attempt {}", rows[i].attempts);
    decisions.push_back(std::move(d));
  }

  if (!options_.dry_run) {
    deferred_.insert(deferred_.end(), busy.begin(), busy.end());
    const std::size_t written = repo_.commit_decisions(decisions, options_.worker);
    if (written != decisions.size())
      log_.warn(fmt::format("{} of {} decisions not written: their claims were taken back by another pass",
                            decisions.size() - written, decisions.size()));
  }
  if (options_.dry_run) summary.released += busy.size();
  record(decisions, summary);
  log_chunk(log_, kind, rows.front().id, rows.back().id, before, summary, seconds_since(chunk_start), options_.dry_run);
  return decisions.size();
}

void Pass::record(const std::vector<Decision>& decisions, PassSummary& summary) {
  for (const auto& d : decisions) {
    ++summary.counts[d.result];
    ++summary.decided;
    if (d.status() == Status::Failed)
      log_.warn(fmt::format("{} {} ({}): {} — {}", image_kind_name(d.kind), d.id, d.lan_id, result_code_name(d.result),
                            d.detail));
    if (on_decision_) on_decision_(d);
  }
}

Benchmark Pass::benchmark_for(const std::string& lan_id, StagedFiles& staged) {
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

Benchmark Pass::validate_inline(const TrainImageInfo& newest, StagedFiles& staged) {
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
  if (row->image) analysis = analyze({&*row->image}, files, ignored);
  Decision d = decide_train(*row, analysis.empty() ? nullptr : &analysis.front(), options_.policy);
  d.started_at = d.finished_at = std::chrono::system_clock::now();
  d.detail += "; validated inline by a stream pass";
  if (!options_.dry_run) repo_.commit_decisions({d}, options_.worker);
  if (on_decision_) on_decision_(d);
  log_.info(fmt::format("training image {} ({}) validated inline: {}", d.id, d.lan_id, result_code_name(d.result)));
  b.train_img_id = d.id;
  if (d.result == ResultCode::Success) {
    b.state = Benchmark::State::Ready;
    b.encoding = d.encoding->encoding;
  } else {
    b.state = Benchmark::State::Failed;
    b.detail =
        fmt::format("newest training image {} failed validation ({}: {})", d.id, result_code_name(d.result), d.detail);
  }
  return b;
}

Benchmark Pass::encode_approved(const TrainImageInfo& approved, StagedFiles& staged) {
  Benchmark b;
  b.train_img_id = approved.id;
  if (auto stored = repo_.load_encoding(approved.id, kModelVersion)) {
    b.state = Benchmark::State::Ready;
    b.encoding = stored->encoding;
    return b;
  }
  // An approved benchmark without an encoding (approved before biosense, or
  // by another model version): encode it once and keep the encoding.
  auto row = repo_.load_train_image(approved.id);
  std::vector<AnalysisResult> analysis;
  if (row && row->image) {
    std::vector<std::filesystem::path> files;
    if (!options_.dry_run) files.push_back(staged.stage(row->lan_id, StageArea::Benchmark, row->id, *row->image));
    double ignored = 0.0;
    analysis = analyze({&*row->image}, files, ignored);
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
  if (!options_.dry_run)
    repo_.save_encoding(StoredEncoding{approved.id, kModelVersion, face.encoding, face.box, face.sharpness});
  return b;
}

}  // namespace biosense
