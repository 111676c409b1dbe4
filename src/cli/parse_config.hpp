#pragma once
/// CLI11 definitions of `config show` and `config keys` (kept apart from parse.cpp).
#include <CLI/CLI.hpp>

#include "biosense/cli/invocation.hpp"
#include "biosense/config/settings.hpp"

namespace biosense::cli {

struct ConfigCommands {
  CLI::App* show = nullptr;
  CLI::App* keys = nullptr;
};

ConfigCommands add_config(CLI::App& app, ConfigKeysOptions& keys);

/// `config show`'s options: `settings` with the global flags given on the
/// command line (read back from `targets`) marked as coming from the flag.
ConfigShowOptions config_show(const CLI::App& app, const config::Settings& settings, const config::Targets& targets);

}  // namespace biosense::cli
