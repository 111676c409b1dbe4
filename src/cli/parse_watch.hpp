#pragma once
/// CLI11 definition of `watch` (kept apart from parse.cpp).
#include <CLI/CLI.hpp>

#include <optional>
#include <string>

#include "biosense/cli/invocation.hpp"

namespace biosense::cli {

/// Raw strings checked after CLI11 has parsed them.
struct WatchFlags {
  std::string window;  ///< --window as given; empty: keep o.watch.window (the default or the configured one)
};

CLI::App* add_watch(CLI::App& app, WatchCommandOptions& o, WatchFlags& flags);
/// Fills o from flags; throws CLI::ValidationError for bad values.
void finish_watch(WatchCommandOptions& o, const WatchFlags& flags);

/// "90", "90s", "10m", "2h" -> seconds; nullopt for anything else or <= 0.
std::optional<long long> parse_duration_seconds(const std::string& text);

}  // namespace biosense::cli
