/// The CSV sections (render.hpp): "# name", header, rows, blank line.
#include <ostream>

#include <fmt/format.h>

#include "biosense/report/render.hpp"
#include "cells.hpp"

namespace biosense::report {
namespace {

/// RFC 4180: quoted when it holds a comma, a quote, CR or LF; quotes doubled.
std::string field(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string quoted = "\"";
  for (char c : v) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

void line(std::ostream& out, const std::vector<std::string>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << field(cells[i]);
  out << "\r\n";
}

void section(std::ostream& out, const std::string& name, const std::vector<std::string>& header) {
  out << "# " << name << "\r\n";
  line(out, header);
}

void end(std::ostream& out) { out << "\r\n"; }

void non_success(const Report& r, std::ostream& out) {
  section(out, "non_success",
          {"id", "lan_id", "capture_time", "processed_time", "result", "num_faces", "accuracy", "distance",
           "closest_lan_id", "closest_distance"});
  for (const auto& row : r.non_success.rows)
    line(out, {std::to_string(row.id), row.lan_id, row.capture_time, cell(row.processed_time), row.result,
               cell(row.num_faces), cell(row.accuracy), distance_cell(row.distance), cell(row.closest_lan_id),
               distance_cell(row.closest_distance)});
  end(out);
}

void throughput(const Report& r, std::ostream& out) {
  const Throughput& t = r.throughput;
  section(out, "throughput",
          {"processed", "per_hour", "peak_hour", "peak_processed", "pending_now", "oldest_pending",
           "oldest_pending_age_seconds"});
  line(out, {std::to_string(t.processed), fmt::format("{:.2f}", t.per_hour), t.peak ? t.peak->hour : "",
             t.peak ? std::to_string(t.peak->n) : "", std::to_string(t.pending_now), cell(t.oldest_pending),
             std::to_string(t.oldest_pending_age_seconds)});
  end(out);
}

void alerts(const Report& r, std::ostream& out) {
  section(out, "alerts", {"id", "lan_id", "kind", "window_start", "window_end", "runs", "evidence_ids", "detail"});
  for (const auto& a : r.alerts)
    line(out, {std::to_string(a.id), a.lan_id, std::string(alert_kind_name(a.kind)), a.window_start, a.window_end,
               std::to_string(a.runs), format_evidence_ids(a.evidence_ids), a.detail});
  end(out);
}

}  // namespace

void render_csv(const Report& r, std::ostream& out) {
  section(out, "window", {"since", "until", "lan_id", "generated_at", "non_success_total"});
  line(out,
       {r.filter.since, r.filter.until, cell(r.filter.lan_id), r.generated_at, std::to_string(r.non_success.total)});
  end(out);
  section(out, "hourly", {"hour", "lan_id", "result", "n"});
  for (const auto& row : r.hourly) line(out, {row.hour, row.lan_id, cell(row.result), std::to_string(row.n)});
  end(out);
  non_success(r, out);
  section(out, "agents", {"lan_id", "snapshots", "decided", "verified", "success_rate", "last_seen"});
  for (const auto& a : r.agents)
    line(out, {a.lan_id, std::to_string(a.snapshots), std::to_string(a.decided), std::to_string(a.verified),
               cell(success_rate(a)), a.last_seen});
  end(out);
  throughput(r, out);
  section(out, "confidence", {"from", "to", "n"});
  for (std::size_t i = 0; i < r.confidence.size(); ++i)
    line(out, {std::to_string(i * 10), std::to_string(i * 10 + 10), std::to_string(r.confidence[i])});
  end(out);
  section(out, "backlog", {"time", "pending"});
  for (const auto& p : r.backlog) line(out, {p.time, std::to_string(p.pending)});
  end(out);
  alerts(r, out);
}

}  // namespace biosense::report
