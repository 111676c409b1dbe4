/// `biosense run` (the pass, once or in a loop) and `biosense reprocess`.
#include <unistd.h>

#include <ostream>
#include <thread>

#include <fmt/format.h>

#include "biosense/cli/commands.hpp"
#include "biosense/cli/exit_code.hpp"
#include "biosense/engine/dlib_engine.hpp"
#include "biosense/pass/pass.hpp"
#include "biosense/pass/pass_log.hpp"
#include "biosense/storage/db_url.hpp"
#include "biosense/util/host_identity.hpp"
#include "biosense/util/json.hpp"
#include "biosense/util/parallel.hpp"
#include "biosense/util/signals.hpp"
#include "calibration_choice.hpp"
#include "engine_models.hpp"

namespace biosense {
namespace {

std::string optional_number(const std::optional<double>& v, int digits) {
  return v ? fmt::format("{:.{}f}", *v, digits) : "-";
}

/// The line --dry-run prints for each decision it would write.
std::string describe(const Decision& d) {
  return fmt::format(
      "would set {}_img {} lan_id={} status={} result={} faces={} distance={} accuracy={} benchmark={} closest={} "
      "closest_distance={}",
      image_kind_name(d.kind), d.id, json::quote(d.lan_id), static_cast<char>(d.status()), result_code_name(d.result),
      d.num_faces, optional_number(d.distance, 4), optional_number(d.accuracy, 1),
      d.benchmark_id ? std::to_string(*d.benchmark_id) : "-", d.closest_lan_id ? json::quote(*d.closest_lan_id) : "-",
      optional_number(d.closest_distance, 4));
}

/// Everything one or more passes need, built once per process.
class PassRunner {
 public:
  PassRunner(const CommandContext& ctx, const RunOptions& o, const std::atomic<bool>& stop)
      : ctx_(ctx),
        options_(o),
        spec_(cli::read_calibration_for(ctx, o.decider.detection.mirror)),
        calibration_(make_calibration(spec_)) {
    url_ = resolve_db_url_from_environment(ctx.global.db_url);
    shown_ = parse_db_url(url_).redacted();  // UsageError before loading anything
    const int threads = resolve_threads(o.threads);
    limit_blas_threads();
    EngineOptions engine;
    o.decider.apply_to(engine);
    const auto models = cli::load_models_for(ctx, o.decider.detection, engine);
    for (int i = 0; i < threads; ++i) {
      owned_.push_back(std::make_unique<DlibEngine>(models, engine));
      engines_.push_back(owned_.back().get());
    }
    repo_ = open_repository(url_);
    PassOptions p;
    p.batch_size = o.batch_size;
    p.limit = o.limit;
    p.dry_run = o.dry_run;
    p.data_dir = o.decider.data_dir;
    p.keep_files = o.decider.keep_files;
    p.lease = std::chrono::seconds(o.decider.lease_seconds);
    p.host = claim_host();
    p.worker = fmt::format("{}:{}", p.host, getpid());
    p.policy = o.decider.policy(spec_);
    std::function<void(const Decision&)> print;
    if (o.dry_run) print = [this](const Decision& d) { ctx_.out << describe(d) << '\n' << std::flush; };
    pass_ = std::make_unique<Pass>(*repo_, engines_, *calibration_, p, ctx.log, stop, print);
    ctx.log.debug(fmt::format("database {}, {} engine thread(s), worker {}", shown_, threads, p.worker));
    ctx.log.debug(cli::describe_threshold(o.decider.tolerance, spec_));
  }

  Repository& repository() { return *repo_; }

  /// One pass per mode: enrolment photos first, so new benchmarks are ready.
  void pass_once() {
    std::vector<ImageKind> kinds;
    if (options_.mode != RunMode::Stream) kinds.push_back(ImageKind::Train);
    if (options_.mode != RunMode::Train) kinds.push_back(ImageKind::Stream);
    for (ImageKind kind : kinds) log_pass(ctx_.log, kind, pass_->run(kind), options_.dry_run);
  }

 private:
  const CommandContext& ctx_;
  RunOptions options_;
  CalibrationSpec spec_;
  std::unique_ptr<Calibration> calibration_;
  std::string url_, shown_;
  std::vector<std::unique_ptr<DlibEngine>> owned_;
  std::vector<FaceEngine*> engines_;
  std::unique_ptr<Repository> repo_;
  std::unique_ptr<Pass> pass_;
};

}  // namespace

int run_run(const CommandContext& ctx, const RunOptions& o) {
  SignalStop stop;  // before any thread starts, so every thread inherits the mask
  PassRunner runner(ctx, o, stop.flag());
  for (;;) {
    const auto started = std::chrono::steady_clock::now();
    runner.pass_once();
    if (!o.loop || stop.requested()) break;
    const auto next = started + std::chrono::duration<double>(o.interval);
    while (!stop.requested() && std::chrono::steady_clock::now() < next)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (stop.requested()) break;
  }
  // A loop ends on a signal by design; a single pass cut short was interrupted.
  return to_int(stop.requested() && !o.loop ? ExitCode::Interrupted : ExitCode::Ok);
}

int run_reprocess(const CommandContext& ctx, const ReprocessOptions& o) {
  SignalStop stop;
  PassRunner runner(ctx, o.run, stop.flag());
  const std::vector<std::int64_t> ids = runner.repository().select_for_reprocess(o.filter);
  if (o.run.dry_run) {
    for (std::int64_t id : ids) ctx.out << fmt::format("would reprocess stream_img {}\n", id);
    ctx.log.info(fmt::format("dry-run reprocess: {} row(s) would be set back to pending", ids.size()));
    return to_int(ExitCode::Ok);
  }
  const std::size_t reset = runner.repository().reset_to_pending(ImageKind::Stream, ids);
  ctx.log.info(fmt::format("reprocess: {} decided row(s) set back to pending", reset));
  runner.pass_once();
  return to_int(stop.requested() ? ExitCode::Interrupted : ExitCode::Ok);
}

}  // namespace biosense
