#include <CLI/CLI.hpp>

#include <algorithm>
#include <map>
#include <sstream>

#include "biosense/cli/invocation.hpp"

namespace biosense {
namespace {

void add_global_options(CLI::App& app, GlobalOptions& g) {
  static const std::map<std::string, LogFormat> kLogFormats{{"text", LogFormat::Text}, {"json", LogFormat::Json}};
  app.add_option("--log-format", g.log_format, "Log lines as text or JSON")
      ->transform(CLI::CheckedTransformer(kLogFormats, CLI::ignore_case));
  app.add_flag("-v,--verbose", g.verbosity, "More detail in the logs");
  app.add_option("--models-dir", g.models_dir, "Folder with dlib's model files (default: search path)");
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
  return cmd;
}

CLI::App* add_models(CLI::App& app) {
  auto* models = app.add_subcommand("models", "Model weights");
  models->require_subcommand(1);
  return models->add_subcommand("check", "Verify that every model file is present, intact and loadable");
}

}  // namespace

ParseOutcome parse_command_line(const std::vector<std::string>& args) {
  CLI::App app{"biosense: verifies that the person at a remote agent's webcam is the agent", "biosense"};
  app.set_version_flag("--version", "biosense 0.1.0");
  app.require_subcommand(1);
  Invocation inv;
  add_global_options(app, inv.global);

  CompareOptions compare;
  CLI::App* compare_cmd = add_compare(app, compare);
  CLI::App* models_check_cmd = add_models(app);

  ParseOutcome outcome;
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 consumes from the back
    app.parse(reversed);
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
  outcome.invocation = inv;
  return outcome;
}

}  // namespace biosense
