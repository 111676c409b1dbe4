#pragma once
/// One function per subcommand, each in its own file under src/cli/.
/// Each returns an exit code (exit_code.hpp) and reports through `log`.
#include <iosfwd>

#include "biosense/cli/invocation.hpp"

namespace biosense {

struct CommandContext {
  const GlobalOptions& global;
  Logger& log;
  std::ostream& out;  ///< data output (stdout); logs go to `log`
};

int run_compare(const CommandContext& ctx, const CompareOptions& options);
int run_models_check(const CommandContext& ctx, const ModelsCheckOptions& options);
int run_db_migrate(const CommandContext& ctx, const DbMigrateOptions& options);
int run_db_status(const CommandContext& ctx, const DbStatusOptions& options);
int run_import(const CommandContext& ctx, const ImportOptions& options);

int run_run(const CommandContext& ctx, const RunOptions& options);
int run_reprocess(const CommandContext& ctx, const ReprocessOptions& options);
int run_evaluate(const CommandContext& ctx, const EvaluateOptions& options);
int run_calibrate(const CommandContext& ctx, const CalibrateOptions& options);
int run_consume(const CommandContext& ctx, const ConsumeOptions& options);
int run_publish(const CommandContext& ctx, const PublishOptions& options);
int run_watch_command(const CommandContext& ctx, const WatchCommandOptions& options);
int run_alerts_list(const CommandContext& ctx, const AlertsListOptions& options);
/// Acknowledges every id it can; exit 1 when one was not an open alert.
int run_alerts_ack(const CommandContext& ctx, const AlertsAckOptions& options);
int run_report(const CommandContext& ctx, const ReportOptions& options);

int run_config_show(const CommandContext& ctx, const ConfigShowOptions& options);
int run_config_keys(const CommandContext& ctx, const ConfigKeysOptions& options);

/// Runs the parsed command, turning uncaught errors into exit codes:
/// UsageError -> 1, ModelError, StorageError and other failures -> 2.
int dispatch(const Invocation& invocation, std::ostream& out, std::ostream& err);

}  // namespace biosense
