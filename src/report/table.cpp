/// The terminal table (render.hpp).
#include <ostream>

#include <fmt/format.h>

#include "biosense/report/render.hpp"
#include "biosense/report/timestamp.hpp"
#include "cells.hpp"
#include "text_table.hpp"

namespace biosense::report {
namespace {

void heading(std::ostream& out, const std::string& title) { out << '\n' << title << '\n'; }

void hourly(const Report& r, std::ostream& out) {
  heading(out, "Snapshots per hour, agent and result (by capture time)");
  std::vector<std::string> columns{"hour", "lan_id"};
  for (const auto& c : result_columns(r)) columns.push_back("#" + c);
  columns.emplace_back("#total");
  TextTable table(columns);
  for (const auto& row : pivot_hourly(r, true)) {
    std::vector<std::string> cells{row.hour, row.lan_id};
    for (long long n : row.counts) cells.push_back(std::to_string(n));
    cells.push_back(std::to_string(row.total));
    table.add(std::move(cells));
  }
  table.write(out);
}

void non_success(const Report& r, std::ostream& out) {
  heading(out,
          fmt::format("Non-success snapshots: {} (newest {} shown)", r.non_success.total, r.non_success.rows.size()));
  TextTable table({"#id", "lan_id", "capture_time", "processed_time", "result", "#faces", "#accuracy", "#distance",
                   "closest_lan_id", "#closest_distance"});
  for (const auto& row : r.non_success.rows)
    table.add({std::to_string(row.id), row.lan_id, row.capture_time, cell(row.processed_time), row.result,
               cell(row.num_faces), cell(row.accuracy), distance_cell(row.distance), cell(row.closest_lan_id),
               distance_cell(row.closest_distance)});
  table.write(out);
}

void agents(const Report& r, std::ostream& out) {
  heading(out, "Agents: success rate (verified / decided) and last seen");
  TextTable table({"lan_id", "#snapshots", "#decided", "#verified", "#success %", "last_seen"});
  for (const auto& a : r.agents)
    table.add({a.lan_id, std::to_string(a.snapshots), std::to_string(a.decided), std::to_string(a.verified),
               cell(success_rate(a)), a.last_seen});
  table.write(out);
}

void throughput(const Report& r, std::ostream& out) {
  const Throughput& t = r.throughput;
  heading(out, "Throughput and backlog");
  out << fmt::format("  processed in the window: {} ({:.1f} per hour)\n", t.processed, t.per_hour);
  if (t.peak) out << fmt::format("  busiest hour: {} ({} processed)\n", t.peak->hour, t.peak->n);
  out << fmt::format("  pending now: {}\n", t.pending_now);
  if (t.oldest_pending)
    out << fmt::format("  oldest pending: captured {} ({} ago)\n", *t.oldest_pending,
                       format_duration(t.oldest_pending_age_seconds));
}

void confidence(const Report& r, std::ostream& out) {
  heading(out, "Confidence (accuracy %) of the snapshots with one");
  TextTable table({"#from", "#to", "#snapshots"});
  for (std::size_t i = 0; i < r.confidence.size(); ++i)
    table.add({std::to_string(i * 10), std::to_string(i * 10 + 10), std::to_string(r.confidence[i])});
  table.write(out);
}

void alerts(const Report& r, std::ostream& out) {
  heading(out, fmt::format("Open watch alerts: {}", r.alerts.size()));
  TextTable table({"#id", "lan_id", "kind", "window_start", "window_end", "#runs", "detail"});
  for (const auto& a : r.alerts)
    table.add({std::to_string(a.id), a.lan_id, std::string(alert_kind_name(a.kind)), a.window_start, a.window_end,
               std::to_string(a.runs), a.detail});
  table.write(out);
}

}  // namespace

void render_table(const Report& r, std::ostream& out) {
  out << fmt::format("biosense report: captured in [{}, {}){}, read {}\n", r.filter.since, r.filter.until,
                     r.filter.lan_id ? ", lan_id " + *r.filter.lan_id : std::string(), r.generated_at);
  hourly(r, out);
  non_success(r, out);
  agents(r, out);
  throughput(r, out);
  confidence(r, out);
  alerts(r, out);
}

}  // namespace biosense::report
