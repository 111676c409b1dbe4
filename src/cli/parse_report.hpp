#pragma once
/// CLI11 definition of `report` (kept apart from parse.cpp).
#include <CLI/CLI.hpp>

#include <string>

#include "biosense/cli/invocation.hpp"

namespace biosense::cli {

/// Raw strings checked after CLI11 has parsed them.
struct ReportFlags {
  std::string since;
  std::string until;
  std::string lan_id;
  std::string format = "table";
};

CLI::App* add_report(CLI::App& app, ReportOptions& o, ReportFlags& flags);
/// Fills o from flags; throws CLI::ValidationError for bad values (a time
/// that is not "YYYY-MM-DD[ HH:MM:SS]", --since not before --until, an
/// unknown format, an empty lan_id).
void finish_report(ReportOptions& o, const ReportFlags& flags);

}  // namespace biosense::cli
