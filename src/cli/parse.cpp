#include <CLI/CLI.hpp>

#include <algorithm>
#include <map>
#include <sstream>

#include "biosense/cli/invocation.hpp"
#include "biosense/config/settings.hpp"
#include "parse_alerts.hpp"
#include "parse_config.hpp"
#include "parse_evaluate.hpp"
#include "parse_queue.hpp"
#include "parse_report.hpp"
#include "parse_run.hpp"
#include "parse_watch.hpp"

namespace biosense {
namespace {

void add_global_options(CLI::App& app, GlobalOptions& g) {
  static const std::map<std::string, LogFormat> kLogFormats{{"text", LogFormat::Text}, {"json", LogFormat::Json}};
  app.add_option("--log-format", g.log_format, "Log lines as text or JSON")
      ->transform(CLI::CheckedTransformer(kLogFormats, CLI::ignore_case));
  // A function, not the int itself: CLI11 resets a counted flag's int when it is
  // absent, which would undo log.verbose from the configuration.
  app.add_flag_function(
      "-v,--verbose", [&g](std::int64_t n) { g.verbosity = static_cast<int>(n); }, "More detail in the logs");
  app.add_option("--models-dir", g.models_dir, "Folder with dlib's model files (default: search path)");
  app.add_option("--db", g.db_url,
                 "Database: sqlite:PATH or mysql://USER[:PASSWORD]@HOST[:PORT]/DB "
                 "(default: $BIOSENSE_DB_URL, else the config file, else sqlite:./biosense.db)");
  app.add_option("--calibration", g.calibration_file,
                 "Calibration file written by `calibrate` (default: the shipped one, fit on LFW)");
  app.add_option("--amqp", g.amqp_url,
                 "RabbitMQ: amqp://USER:PASSWORD@HOST[:PORT]/VHOST "
                 "(default: $BIOSENSE_AMQP_URL, else amqp://guest:guest@127.0.0.1:5672/%2f)");
  app.add_option("--config", g.config_file,
                 "TOML configuration file (default: $BIOSENSE_CONFIG, else ./biosense.toml, else "
                 "/etc/biosense/biosense.toml)");
}

struct DbCommands {
  CLI::App* migrate = nullptr;
  CLI::App* status = nullptr;
};

DbCommands add_db(CLI::App& app) {
  auto* db = app.add_subcommand("db", "Database schema");
  db->require_subcommand(1);
  return {db->add_subcommand("migrate", "Apply the pending schema migrations (running it again is a no-op)"),
          db->add_subcommand("status", "List the applied and the pending schema migrations")};
}

/// "YYYY-MM-DD HH:MM:SS", the form the image tables store.
std::string check_timestamp(const std::string& text) {
  static const std::string kShape = "dddd-dd-dd dd:dd:dd";
  bool ok = text.size() == kShape.size();
  for (std::size_t i = 0; ok && i < text.size(); ++i)
    ok = kShape[i] == 'd' ? (text[i] >= '0' && text[i] <= '9') : text[i] == kShape[i];
  if (ok) {
    const int month = std::stoi(text.substr(5, 2)), day = std::stoi(text.substr(8, 2));
    const int hour = std::stoi(text.substr(11, 2)), minute = std::stoi(text.substr(14, 2));
    const int second = std::stoi(text.substr(17, 2));
    ok = month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 59;
  }
  return ok ? std::string() : "expected \"YYYY-MM-DD HH:MM:SS\", got \"" + text + "\"";
}

struct ImportFlags {
  bool train = false;
  bool stream = false;
};

CLI::App* add_import(CLI::App& app, ImportOptions& o, ImportFlags& flags) {
  auto* cmd = app.add_subcommand("import", "Insert photos as new pending rows, as the capture client does");
  cmd->add_option("--lan-id", o.lan_id, "The agent's lan_id (stored verbatim, e.g. NA\\user)")
      ->required()
      ->check([](const std::string& v) { return v.empty() ? std::string("the lan_id is empty") : std::string(); });
  auto* kind = cmd->add_option_group("kind", "Which table receives the photos");
  kind->add_flag("--train", flags.train, "Enrolment photos: train_img");
  kind->add_flag("--stream", flags.stream, "Webcam snapshots: stream_img");
  kind->require_option(1);
  cmd->add_option("--capture-time", o.capture_time, "\"YYYY-MM-DD HH:MM:SS\" (default: the database clock)")
      ->check(check_timestamp);
  cmd->add_option("FILE", o.files, "Photo files; any bytes are accepted")->required();
  return cmd;
}

CLI::App* add_compare(CLI::App& app, CompareOptions& o) {
  static const std::map<std::string, CompareFormat> kFormats{
      {"text", CompareFormat::Text}, {"csv", CompareFormat::Csv}, {"json", CompareFormat::Json}};
  auto* cmd = app.add_subcommand("compare", "Recognise faces in UNKNOWN photos against KNOWN people");
  cmd->add_option("KNOWN", o.known, "Folder of <name>.<ext> photos, or one photo")->required();
  cmd->add_option("UNKNOWN", o.unknown, "Folder of photos, or one photo")->required();
  cmd->add_option("--tolerance", o.tolerance, "Largest distance that counts as a match")
      ->check(CLI::Range(0.0, 2.0))
      ->capture_default_str();
  cmd->add_option("--cpus", o.cpus, "Worker threads; -1 uses every core")->capture_default_str();
  cmd->add_flag("--show-distance", o.show_distance, "Append distance and confidence columns");
  cmd->add_option("--format", o.format, "text (face_recognition's lines), csv or json")
      ->transform(CLI::CheckedTransformer(kFormats, CLI::ignore_case));
  cmd->add_option("--upsample", o.upsample, "HOG upsampling passes (finds smaller faces, slower)")
      ->check(CLI::Range(0, 3))
      ->capture_default_str();
  cmd->add_option("--detector", o.detector,
                  "hog (face_recognition's, the default) or yunet (several times faster; needs AVX2, else hog)")
      ->transform(cli::detector_choices({Detector::Hog, Detector::Yunet}));
  cmd->add_flag(
      "--mirror", o.mirror,
      "Average each encoding with its mirror image's, as the pass does (default: face_recognition's numbers)");
  return cmd;
}

CLI::App* add_models(CLI::App& app) {
  auto* models = app.add_subcommand("models", "Model weights");
  models->require_subcommand(1);
  return models->add_subcommand("check", "Verify that every model file is present, intact and loadable");
}

}  // namespace

ParseOutcome parse_command_line(const std::vector<std::string>& args) {
  return parse_command_line(args, config::default_settings());
}

ParseOutcome parse_command_line(const std::vector<std::string>& args, const config::Settings& settings) {
  CLI::App app{"biosense: verifies that the person at a remote agent's webcam is the agent", "biosense"};
  app.set_version_flag("--version", "biosense 0.1.0");
  app.require_subcommand(1);
  Invocation inv;
  CompareOptions compare;
  RunOptions run;
  ReprocessOptions reprocess;
  ConsumeOptions consume;
  WatchCommandOptions watch;
  config::Targets targets{inv.global, run, reprocess, compare, consume, watch};
  config::apply_settings(settings, targets);  // before the flags: they override
  add_global_options(app, inv.global);

  CLI::App* compare_cmd = add_compare(app, compare);
  CLI::App* models_check_cmd = add_models(app);
  const DbCommands db_cmds = add_db(app);
  ImportOptions import;
  ImportFlags import_flags;
  CLI::App* import_cmd = add_import(app, import, import_flags);
  CLI::App* run_cmd = cli::add_run(app, run);
  cli::ReprocessFlags reprocess_flags;
  CLI::App* reprocess_cmd = cli::add_reprocess(app, reprocess, reprocess_flags);
  EvaluateOptions evaluate;
  CLI::App* evaluate_cmd = cli::add_evaluate(app, evaluate);
  CalibrateOptions calibrate;
  CLI::App* calibrate_cmd = cli::add_calibrate(app, calibrate);
  CLI::App* consume_cmd = cli::add_consume(app, consume);
  PublishOptions publish;
  cli::PublishFlags publish_flags;
  CLI::App* publish_cmd = cli::add_publish(app, publish, publish_flags);
  cli::WatchFlags watch_flags;
  CLI::App* watch_cmd = cli::add_watch(app, watch, watch_flags);
  AlertsListOptions alerts_list;
  AlertsAckOptions alerts_ack;
  cli::AlertsFlags alerts_flags;
  const cli::AlertsCommands alerts_cmds = cli::add_alerts(app, alerts_list, alerts_ack, alerts_flags);
  ReportOptions report;
  cli::ReportFlags report_flags;
  CLI::App* report_cmd = cli::add_report(app, report, report_flags);
  ConfigKeysOptions config_keys;
  const cli::ConfigCommands config_cmds = cli::add_config(app, config_keys);

  ParseOutcome outcome;
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 consumes from the back
    app.parse(reversed);
    if (reprocess_cmd->parsed()) cli::finish_reprocess(reprocess, reprocess_flags);
    if (publish_cmd->parsed()) cli::finish_publish(publish, publish_flags);
    if (watch_cmd->parsed()) cli::finish_watch(watch, watch_flags);
    if (alerts_cmds.ack->parsed()) cli::finish_alerts_ack(alerts_ack, alerts_flags);
    if (report_cmd->parsed()) cli::finish_report(report, report_flags);
    if (calibrate_cmd->parsed()) cli::finish_calibrate(*calibrate_cmd, calibrate, run.decider.detection);
  } catch (const CLI::ParseError& e) {
    std::ostringstream out, err;
    outcome.exit_code = app.exit(e, out, err) == 0 ? 0 : 1;
    outcome.message = out.str() + err.str();
    return outcome;
  }
  if (compare_cmd->parsed())
    inv.command = compare;
  else if (models_check_cmd->parsed())
    inv.command = ModelsCheckOptions{};
  else if (db_cmds.migrate->parsed())
    inv.command = DbMigrateOptions{};
  else if (db_cmds.status->parsed())
    inv.command = DbStatusOptions{};
  else if (import_cmd->parsed()) {
    import.kind = import_flags.train ? ImageKind::Train : ImageKind::Stream;
    inv.command = import;
  } else if (run_cmd->parsed())
    inv.command = run;
  else if (reprocess_cmd->parsed())
    inv.command = reprocess;
  else if (evaluate_cmd->parsed())
    inv.command = evaluate;
  else if (calibrate_cmd->parsed())
    inv.command = calibrate;
  else if (consume_cmd->parsed())
    inv.command = consume;
  else if (publish_cmd->parsed())
    inv.command = publish;
  else if (watch_cmd->parsed())
    inv.command = watch;
  else if (alerts_cmds.list->parsed())
    inv.command = alerts_list;
  else if (alerts_cmds.ack->parsed())
    inv.command = alerts_ack;
  else if (report_cmd->parsed())
    inv.command = report;
  else if (config_cmds.show->parsed())
    inv.command = cli::config_show(app, settings, targets);
  else if (config_cmds.keys->parsed())
    inv.command = config_keys;
  outcome.invocation = inv;
  return outcome;
}

}  // namespace biosense
