#include "biosense/cli/configure.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

extern char** environ;  // POSIX

namespace biosense {

ParseOutcome parse_with_configuration(const std::vector<std::string>& args, const config::Environment& env,
                                      const std::vector<std::string>& candidates) {
  try {
    const std::optional<std::string> file = config::choose_config_file(config::config_flag(args), env, candidates);
    std::optional<std::string> text;
    if (file) {
      std::ifstream in(*file, std::ios::binary);
      std::ostringstream content;
      content << in.rdbuf();
      if (!in) throw config::ConfigError(fmt::format("configuration file {}: cannot be read", *file));
      text = content.str();
    }
    const config::Settings settings = config::load_settings(text, file.value_or(""), env);
    return parse_command_line(args, settings);
  } catch (const config::ConfigError& e) {
    ParseOutcome outcome;
    outcome.exit_code = 1;
    outcome.message = fmt::format("biosense: configuration error: {}\n", e.what());
    return outcome;
  }
}

config::Environment read_environment() {
  config::Environment env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::size_t eq = entry.find('=');
    if (eq != std::string::npos && entry.rfind("BIOSENSE_", 0) == 0) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

}  // namespace biosense
