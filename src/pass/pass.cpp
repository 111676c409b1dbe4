#include "biosense/pass/pass.hpp"

#include <fmt/ranges.h>

#include "biosense/pass/pass_log.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "biosense/storage/claims.hpp"

namespace biosense {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

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
      workspace_(options_.data_dir, options_.keep_files),
      gallery_(options_.gallery_refresh),
      decider_(repo_, engines_, calibration_,
               DeciderOptions{options_.dry_run, options_.worker, options_.policy, &gallery_}, log_, on_decision_) {
  if (engines_.empty()) throw std::invalid_argument("a pass needs at least one engine");
  if (options_.batch_size == 0) options_.batch_size = 1;
}

PassSummary Pass::run(ImageKind kind) {
  const auto start = Clock::now();
  PassSummary summary;
  decider_.forget_benchmarks();
  gallery_.expire();  // loaded again at the first stream chunk: once per pass
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

std::size_t Pass::run_chunk(ImageKind kind, std::vector<ImageRow> rows, PassSummary& summary) {
  const auto chunk_start = Clock::now();
  const PassSummary before = summary;  // for the chunk's log line
  StagedFiles staged(workspace_);
  DecidedRows out = decider_.decide(kind, rows, staged);
  if (!out.busy.empty())
    log_.warn(
        fmt::format("stream rows {} skipped until the next pass: their agent's new benchmark is being validated "
                    "by another worker",
                    fmt::join(out.busy, ",")));
  summary.engine_seconds += out.engine_seconds;
  if (!options_.dry_run) {
    // Rows whose benchmark is being validated by another worker stay claimed
    // until the end of the pass, then go back to N.
    deferred_.insert(deferred_.end(), out.busy.begin(), out.busy.end());
    const std::size_t written = repo_.commit_decisions(out.decisions, options_.worker);
    if (written != out.decisions.size())
      log_.warn(fmt::format("{} of {} decisions not written: their claims were taken back by another pass",
                            out.decisions.size() - written, out.decisions.size()));
  } else {
    summary.released += out.busy.size();
  }
  record(out.decisions, summary);
  log_chunk(log_, kind, rows.front().id, rows.back().id, before, summary, seconds_since(chunk_start), options_.dry_run);
  return out.decisions.size();
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

}  // namespace biosense
