/// biosense's entry point: parse, then dispatch. Nothing else lives here.
#include <iostream>

#include "biosense/cli/commands.hpp"
#include "biosense/cli/configure.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const biosense::ParseOutcome parsed = biosense::parse_with_configuration(args, biosense::read_environment());
  if (!parsed.invocation) {
    (parsed.exit_code == 0 ? std::cout : std::cerr) << parsed.message;
    return parsed.exit_code;
  }
  std::ios::sync_with_stdio(false);
  return biosense::dispatch(*parsed.invocation, std::cout, std::cerr);
}
