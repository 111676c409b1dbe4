#pragma once
/// The command line with the configuration applied: picks the configuration
/// file, reads it, merges the environment, then parses the flags over them.
/// main() calls parse_with_configuration(args, read_environment()); tests pass
/// their own environment and file candidates.
#include <string>
#include <vector>

#include "biosense/cli/invocation.hpp"
#include "biosense/config/settings.hpp"

namespace biosense {

/// Configuration errors (missing --config file, bad TOML, unknown key, bad
/// value) give exit code 1 and a message naming the key, like usage errors.
ParseOutcome parse_with_configuration(const std::vector<std::string>& args, const config::Environment& env,
                                      const std::vector<std::string>& candidates = config::default_config_candidates());

/// The process environment's BIOSENSE_* variables.
config::Environment read_environment();

}  // namespace biosense
