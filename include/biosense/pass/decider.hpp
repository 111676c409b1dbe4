#pragma once
/// Turns claimed rows into decisions: resolves each agent's benchmark (the
/// user's rules, docs/pass.md), stages the photos, runs the engines, and calls
/// decide_train/decide_stream. The one place rows are decided: the pass calls
/// it with a chunk, a queue consumer with its one row. Knows no SQL and no AMQP.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "biosense/calibration/calibration.hpp"
#include "biosense/engine/face.hpp"
#include "biosense/pass/decide.hpp"
#include "biosense/pass/gallery_cache.hpp"
#include "biosense/pass/workspace.hpp"
#include "biosense/storage/repository.hpp"
#include "biosense/util/log.hpp"

namespace biosense {

struct DeciderOptions {
  bool dry_run = false;  ///< stage nothing, write nothing (the engine reads the bytes)
  std::string worker;    ///< claimed_by for inline validation of a new benchmark
  DecisionPolicy policy;
  /// Where the gallery of the check comes from, owned by the caller (it
  /// outlives deciders: a consumer makes one per message). Used when
  /// policy.gallery_check is on; null: no gallery check.
  GalleryCache* gallery = nullptr;
};

/// What decide() made of a set of rows.
struct DecidedRows {
  std::vector<Decision> decisions;  ///< in row order; rows in `busy` have none
  std::vector<std::int64_t> busy;   ///< stream rows whose benchmark another worker is validating now
  double engine_seconds = 0.0;      ///< wall time in the engines (decode .. encode)
};

class Decider {
 public:
  /// `engines`: at least one, each used by one thread at a time; the caller
  /// owns them. `on_inline`: called for each train row validated inline.
  Decider(Repository& repo, std::vector<FaceEngine*> engines, const Calibration& calibration, DeciderOptions options,
          Logger& log, std::function<void(const Decision&)> on_inline = {});

  /// Decides `rows` of `kind` (claimed by options.worker, or peeked for a dry
  /// run). Photos are staged in `staged` (nothing with dry_run). Writes only
  /// what resolving a benchmark needs (an inline-validated train row, a
  /// benchmark encoding); the rows' own decisions are returned for the
  /// caller to commit. Throws StorageError when the database fails.
  DecidedRows decide(ImageKind kind, const std::vector<ImageRow>& rows, StagedFiles& staged);

  /// Benchmarks are cached per lan_id until this is called (a pass calls it at
  /// its start; a consumer makes a new Decider per message, so a new
  /// enrolment counts at once). The gallery has its own refresh rule
  /// (gallery_cache.hpp).
  void forget_benchmarks() { benchmarks_.clear(); }

 private:
  /// The gallery for a chunk of stream `rows` whose benchmarks are resolved:
  /// the cached one (loaded when due) with every Ready benchmark of the chunk
  /// put in, so one validated inline or encoded just now counts at once.
  /// Null when the check is off.
  const Gallery* gallery_for(const std::vector<ImageRow>& rows, const std::vector<Benchmark>& benchmarks);
  Benchmark benchmark_for(const std::string& lan_id, StagedFiles& staged);
  Benchmark validate_inline(const TrainImageInfo& newest, StagedFiles& staged);
  Benchmark encode_approved(const TrainImageInfo& approved, StagedFiles& staged);
  /// `enrolment`: train_img photos, analysed with FaceEngine::analyze_enrolment().
  std::vector<AnalysisResult> analyze(bool enrolment, const std::vector<const Bytes*>& photos,
                                      const std::vector<std::filesystem::path>& files, double& seconds);

  Repository& repo_;
  std::vector<FaceEngine*> engines_;
  const Calibration& calibration_;
  DeciderOptions options_;
  Logger& log_;
  std::function<void(const Decision&)> on_inline_;
  std::map<std::string, Benchmark> benchmarks_;  ///< per lan_id, until forget_benchmarks()
};

}  // namespace biosense
