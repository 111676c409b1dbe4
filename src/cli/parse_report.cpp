#include "parse_report.hpp"

#include <stdexcept>

#include "biosense/report/timestamp.hpp"

namespace biosense::cli {
namespace {

std::string checked_time(const std::string& flag, const std::string& text) {
  try {
    return report::normalize_time(text);
  } catch (const std::invalid_argument& e) {
    throw CLI::ValidationError(flag, e.what());
  }
}

}  // namespace

CLI::App* add_report(CLI::App& app, ReportOptions& o, ReportFlags& f) {
  auto* cmd = app.add_subcommand(
      "report", "Dashboards over stream_img: hourly results, non-success list, agents, backlog, open alerts");
  cmd->add_option("--since", f.since,
                  "Snapshots captured at or after \"YYYY-MM-DD[ HH:MM:SS]\" (default: --until minus 24 hours)");
  cmd->add_option("--until", f.until,
                  "Snapshots captured before \"YYYY-MM-DD[ HH:MM:SS]\" (default: the database "
                  "clock now)");
  cmd->add_option("--lan-id", f.lan_id, "One agent only (verbatim, e.g. NA\\user)");
  cmd->add_option("--format", f.format, "table (default), csv, json or html (one self-contained file)");
  cmd->add_option("-o,--output", o.output, "Write to FILE (atomically: a temp file renamed) instead of stdout");
  cmd->add_option("--max-rows", o.request.max_rows, "Rows of the non-success list to show (the total is counted)")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  return cmd;
}

void finish_report(ReportOptions& o, const ReportFlags& f) {
  if (!f.since.empty()) o.request.since = checked_time("--since", f.since);
  if (!f.until.empty()) o.request.until = checked_time("--until", f.until);
  if (o.request.since && o.request.until && *o.request.since >= *o.request.until)
    throw CLI::ValidationError("--since", "must be before --until");
  const auto format = report::parse_report_format(f.format);
  if (!format) throw CLI::ValidationError("--format", "expected table, csv, json or html, got '" + f.format + "'");
  o.format = *format;
  if (!f.lan_id.empty()) o.request.lan_id = f.lan_id;
}

}  // namespace biosense::cli
