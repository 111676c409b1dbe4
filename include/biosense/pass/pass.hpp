#pragma once
/// One pass (DESIGN.md "Data flow of one pass"): claim pending rows in
/// chunks, resolve each agent's benchmark (encoded once, cached in
/// face_encoding), stage the files, decide every row on N engines, commit each
/// chunk in one transaction, delete the files. Knows no SQL and no AMQP.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "biosense/calibration/calibration.hpp"
#include "biosense/engine/face.hpp"
#include "biosense/pass/decide.hpp"
#include "biosense/pass/decider.hpp"
#include "biosense/pass/gallery_cache.hpp"
#include "biosense/pass/workspace.hpp"
#include "biosense/storage/repository.hpp"
#include "biosense/util/log.hpp"

namespace biosense {

struct PassOptions {
  std::size_t batch_size = 64;  ///< rows claimed and committed together
  std::size_t limit = 0;        ///< at most this many rows per pass; 0 = all pending at the start
  bool dry_run = false;         ///< decide and report, write nothing (database and disk)
  std::filesystem::path data_dir = "Data";
  bool keep_files = false;
  std::chrono::seconds lease{600};  ///< claims older than this are taken back
  std::string host;                 ///< this machine, for the dead-process rule
  std::string worker;               ///< "<host>:<pid>", written to claimed_by
  DecisionPolicy policy;
  /// The gallery check's gallery is loaded at the start of each stream pass,
  /// and again during a pass that runs longer than this (gallery_cache.hpp).
  std::chrono::seconds gallery_refresh = kGalleryRefresh;
};

struct PassSummary {
  std::map<ResultCode, std::size_t> counts;
  std::size_t decided = 0;
  std::size_t reclaimed = 0;  ///< stale claims taken back at the start
  std::size_t released = 0;   ///< rows put back to N (interrupted, or benchmark busy)
  std::size_t swept = 0;      ///< leftover staged files removed at the start
  double seconds = 0.0;
  double engine_seconds = 0.0;  ///< wall time spent deciding (decode .. encode)
  bool interrupted = false;
  PassSummary& operator+=(const PassSummary& other);
};

/// One summary line: counts per result, rows/s.
std::string format_summary(ImageKind kind, const PassSummary& summary, bool dry_run);

class Pass {
 public:
  /// `engines`: one per worker thread, used from that thread only.
  /// `stop`: checked between chunks; when set the pass ends after the
  /// current chunk. `on_decision`: called for every decision (dry-run output).
  Pass(Repository& repo, std::vector<FaceEngine*> engines, const Calibration& calibration, PassOptions options,
       Logger& log, const std::atomic<bool>& stop, std::function<void(const Decision&)> on_decision = {});

  /// Decides every row of `kind` pending when it starts (at most options.limit).
  /// Throws StorageError when the database fails; committed chunks stay
  /// committed and claimed rows stay claimed for the next pass to take back.
  PassSummary run(ImageKind kind);

 private:
  std::size_t run_chunk(ImageKind kind, std::vector<ImageRow> rows, PassSummary& summary);
  void record(const std::vector<Decision>& decisions, PassSummary& summary);

  Repository& repo_;
  std::vector<FaceEngine*> engines_;
  const Calibration& calibration_;
  PassOptions options_;
  Logger& log_;
  const std::atomic<bool>& stop_;
  std::function<void(const Decision&)> on_decision_;
  Workspace workspace_;
  GalleryCache gallery_;                ///< the gallery check's, for the decider
  Decider decider_;                     ///< shared with the queue consumers: the one place rows are decided
  std::vector<std::int64_t> deferred_;  ///< claimed rows whose benchmark was busy
};

}  // namespace biosense
