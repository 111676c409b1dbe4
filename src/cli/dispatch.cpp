#include <ostream>

#include <fmt/format.h>

#include "biosense/calibration/calibration_file.hpp"
#include "biosense/calibration/pairs.hpp"
#include "biosense/cli/commands.hpp"
#include "biosense/cli/errors.hpp"
#include "biosense/cli/exit_code.hpp"
#include "biosense/engine/models.hpp"
#include "biosense/queue/amqp.hpp"
#include "biosense/storage/repository.hpp"

namespace biosense {
namespace {

template <class... Ts>
struct overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

}  // namespace

int dispatch(const Invocation& inv, std::ostream& out, std::ostream& err) {
  Logger log(err, inv.global.log_format, inv.global.verbosity > 0 ? LogLevel::Debug : LogLevel::Info);
  const CommandContext ctx{inv.global, log, out};
  try {
    return std::visit(overloaded{
                          [&](const CompareOptions& o) { return run_compare(ctx, o); },
                          [&](const ModelsCheckOptions& o) { return run_models_check(ctx, o); },
                          [&](const RunOptions& o) { return run_run(ctx, o); },
                          [&](const ReprocessOptions& o) { return run_reprocess(ctx, o); },
                          [&](const DbMigrateOptions& o) { return run_db_migrate(ctx, o); },
                          [&](const DbStatusOptions& o) { return run_db_status(ctx, o); },
                          [&](const ImportOptions& o) { return run_import(ctx, o); },
                          [&](const EvaluateOptions& o) { return run_evaluate(ctx, o); },
                          [&](const CalibrateOptions& o) { return run_calibrate(ctx, o); },
                          [&](const ConsumeOptions& o) { return run_consume(ctx, o); },
                          [&](const PublishOptions& o) { return run_publish(ctx, o); },
                          [&](const WatchCommandOptions& o) { return run_watch_command(ctx, o); },
                          [&](const AlertsListOptions& o) { return run_alerts_list(ctx, o); },
                          [&](const AlertsAckOptions& o) { return run_alerts_ack(ctx, o); },
                          [&](const ReportOptions& o) { return run_report(ctx, o); },
                          [&](const ConfigShowOptions& o) { return run_config_show(ctx, o); },
                          [&](const ConfigKeysOptions& o) { return run_config_keys(ctx, o); },
                      },
                      inv.command);
  } catch (const UsageError& e) {
    log.error(e.what());
    return to_int(ExitCode::Usage);
  } catch (const CalibrationError& e) {
    log.error(e.what());
    return to_int(ExitCode::Usage);
  } catch (const PairsError& e) {
    log.error(e.what());
    return to_int(ExitCode::Usage);
  } catch (const ModelError& e) {
    log.error(e.what());
    return to_int(ExitCode::Infrastructure);
  } catch (const StorageError& e) {
    log.error(e.what());
    return to_int(ExitCode::Infrastructure);
  } catch (const queue::QueueError& e) {
    log.error(e.what());
    return to_int(ExitCode::Infrastructure);
  } catch (const std::exception& e) {
    log.error(fmt::format("unexpected failure: {}", e.what()));
    return to_int(ExitCode::Infrastructure);
  }
}

}  // namespace biosense
