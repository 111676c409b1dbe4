#pragma once
/// CLI11 definition of `alerts list` and `alerts ack` (kept apart from parse.cpp).
#include <CLI/CLI.hpp>

#include <string>

#include "biosense/cli/invocation.hpp"

namespace biosense::cli {

struct AlertsCommands {
  CLI::App* list = nullptr;
  CLI::App* ack = nullptr;
};

/// Raw strings checked after CLI11 has parsed them.
struct AlertsFlags {
  std::string ids;  ///< `ack`'s comma-separated ids
};

AlertsCommands add_alerts(CLI::App& app, AlertsListOptions& list, AlertsAckOptions& ack, AlertsFlags& flags);
/// Fills ack.ids from flags; throws CLI::ValidationError for an id that is not a positive integer.
void finish_alerts_ack(AlertsAckOptions& ack, const AlertsFlags& flags);

}  // namespace biosense::cli
