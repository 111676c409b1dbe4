/// `biosense consume`: N consumer threads, each with its own AMQP and
/// database connections and its own engine (docs/queues.md).
#include <unistd.h>

#include <atomic>
#include <thread>

#include <fmt/format.h>

#include "biosense/cli/commands.hpp"
#include "biosense/cli/exit_code.hpp"
#include "biosense/engine/dlib_engine.hpp"
#include "biosense/queue/consumer.hpp"
#include "biosense/storage/db_url.hpp"
#include "biosense/util/host_identity.hpp"
#include "biosense/util/parallel.hpp"
#include "biosense/util/signals.hpp"
#include "calibration_choice.hpp"
#include "engine_models.hpp"

namespace biosense {
namespace {

std::vector<queue::QueueBinding> bindings(const ConsumeOptions& o) {
  std::vector<queue::QueueBinding> out;
  for (const auto& name : o.queues) {
    const ImageKind kind = name == queue::kTrainQueue ? ImageKind::Train : ImageKind::Stream;
    const std::string full = o.queue_prefix + name;
    const bool seen = std::any_of(out.begin(), out.end(), [&](const auto& b) { return b.name == full; });
    if (!seen) out.push_back({full, kind});
  }
  return out;
}

}  // namespace

int run_consume(const CommandContext& ctx, const ConsumeOptions& o) {
  SignalStop stop;  // before any thread starts, so every thread inherits the handlers' effect
  const queue::AmqpUrl amqp = queue::parse_amqp_url(queue::resolve_amqp_url(ctx.global.amqp_url));
  const std::string db_url = resolve_db_url_from_environment(ctx.global.db_url);
  const std::string db_shown = parse_db_url(db_url).redacted();  // UsageError before loading anything

  limit_blas_threads();
  EngineOptions engine;
  o.decider.apply_to(engine);
  const auto models = cli::load_models_for(ctx, o.decider.detection, engine);
  std::vector<std::unique_ptr<DlibEngine>> engines;
  for (int i = 0; i < o.consumers; ++i) engines.push_back(std::make_unique<DlibEngine>(models, engine));
  const CalibrationSpec calibration_spec = cli::read_calibration_for(ctx, o.decider.detection.mirror);  // as `run`
  const auto calibration = make_calibration(calibration_spec);

  queue::ConsumerOptions base;
  base.queues = bindings(o);
  base.prefetch = static_cast<std::uint16_t>(o.prefetch);
  base.max_attempts = o.max_attempts;
  base.host = claim_host();
  base.lease = std::chrono::seconds(o.decider.lease_seconds);
  base.policy = o.decider.policy(calibration_spec);
  ctx.log.debug(cli::describe_threshold(o.decider.tolerance, calibration_spec));
  base.data_dir = o.decider.data_dir;
  base.keep_files = o.decider.keep_files;
  base.exit_when_idle = std::chrono::milliseconds(static_cast<long long>(o.exit_when_idle * 1000));
  const std::size_t swept = Workspace(o.decider.data_dir, o.decider.keep_files).sweep(base.lease);
  if (swept > 0) ctx.log.info(fmt::format("removed {} staged file(s) left by a killed process", swept));

  std::string names;
  for (const auto& b : base.queues) names += (names.empty() ? "" : ",") + b.name;
  ctx.log.info(
      fmt::format("consume: {} consumer(s) on {} at {}, database {}", o.consumers, names, amqp.redacted(), db_shown));

  std::atomic<bool> failed{false};
  std::vector<queue::ConsumerStats> stats(static_cast<std::size_t>(o.consumers));
  std::vector<std::thread> threads;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < o.consumers; ++i) {
    threads.emplace_back([&, i] {
      const auto slot = static_cast<std::size_t>(i);
      queue::ConsumerOptions options = base;
      options.worker = fmt::format("{}:{}/c{}", base.host, getpid(), i + 1);
      try {
        queue::Consumer consumer(
            amqp, [&] { return open_repository(db_url); }, *engines[slot], *calibration, options, ctx.log,
            [&] { return stop.requested() || failed.load(); });
        stats[slot] = consumer.run();
      } catch (const std::exception& e) {
        ctx.log.error(fmt::format("consumer {}: {}", options.worker, e.what()));
        failed = true;  // the others stop too: a half-running consumer pool would hide the failure
      }
    });
  }
  for (auto& t : threads) t.join();

  queue::ConsumerStats total;
  for (const auto& s : stats) total += s;
  double busy = 0.0;
  if (total.first_message && total.last_done)
    busy = std::chrono::duration<double>(*total.last_done - *total.first_message).count();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ctx.log.info(fmt::format(
      "consume: {} decided in {:.1f}s of work ({:.2f}/s), skipped={} retried={} dead-lettered={} reconnects={}; "
      "ran {:.1f}s{}",
      total.decided, busy, busy > 0 ? static_cast<double>(total.decided) / busy : 0.0, total.skipped, total.retried,
      total.dead_lettered, total.reconnects, elapsed, stop.requested() ? " (stopped by signal)" : ""));
  return to_int(failed ? ExitCode::Infrastructure : ExitCode::Ok);
}

}  // namespace biosense
