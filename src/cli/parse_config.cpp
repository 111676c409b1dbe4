#include "parse_config.hpp"

#include <map>

namespace biosense::cli {

ConfigCommands add_config(CLI::App& app, ConfigKeysOptions& keys) {
  static const std::map<std::string, ConfigKeysFormat> kFormats{{"markdown", ConfigKeysFormat::Markdown},
                                                                {"toml", ConfigKeysFormat::Toml}};
  auto* config = app.add_subcommand("config", "The configuration file and its keys");
  config->require_subcommand(1);
  ConfigCommands cmds;
  cmds.show = config->add_subcommand("show", "Print the effective configuration (passwords masked) and its sources");
  cmds.keys = config->add_subcommand("keys", "Print every configuration key: a Markdown table or an example file");
  cmds.keys->add_option("--format", keys.format, "markdown (the README's reference) or toml (the example file)")
      ->transform(CLI::CheckedTransformer(kFormats, CLI::ignore_case));
  return cmds;
}

ConfigShowOptions config_show(const CLI::App& app, const config::Settings& settings, const config::Targets& targets) {
  auto shown = std::make_shared<config::Settings>(settings);
  for (auto& s : shown->values) {
    const std::string_view flag = s.spec->flag;
    if (flag.empty() || flag.front() != '-' || !s.spec->read) continue;  // only global flags reach `config show`
    const CLI::Option* option = app.get_option_no_throw(std::string(flag));
    if (option == nullptr || option->count() == 0) continue;
    s.value = s.spec->read(targets);
    s.source = config::Source::Flag;
    s.origin = std::string(flag);
  }
  return ConfigShowOptions{shown};
}

}  // namespace biosense::cli
