/// The self-contained HTML page (render.hpp): summary figures, four inline
/// SVG charts, then the tables. No script, no external reference.
#include <algorithm>
#include <map>
#include <ostream>

#include <fmt/format.h>

#include "biosense/report/render.hpp"
#include "biosense/report/timestamp.hpp"
#include "cells.hpp"
#include "svg.hpp"

namespace biosense::report {
namespace {

using svg::escape;

/// At most this many agents in the success-rate chart (the lowest rates).
constexpr std::size_t kMaxAgentBars = 25;
/// Most day labels under the hourly chart.
constexpr std::size_t kMaxDayLabels = 10;
/// Labelled times under the backlog chart, beside the first.
constexpr int kBacklogTicks = 6;
/// Longest span (93 days) whose empty hours the hourly chart draws.
constexpr std::size_t kMaxFilledHours = 93 * 24;
/// Bar colours of the success-rate chart: below these rates, red then amber.
constexpr double kRateRed = 80.0, kRateAmber = 95.0;

const char* kStyle = R"(
body{font-family:system-ui,"DejaVu Sans",Arial,sans-serif;margin:24px;color:#1d2733;background:#fff}
h1{font-size:22px;margin:0 0 4px} h2{font-size:16px;margin:24px 0 6px;border-bottom:1px solid #d0d7de;padding-bottom:3px}
.meta{color:#57606a;margin:0 0 12px}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;min-width:120px}
.card b{display:block;font-size:22px} .card.warn b{color:#b3261e}
svg.chart{width:100%;max-width:900px;height:auto;display:block}
svg .grid{stroke:#e1e4e8;stroke-width:1} svg .tick{font-size:11px;fill:#57606a}
svg .axis,svg .label{font-size:12px;fill:#1d2733} svg .value{font-size:11px;fill:#1d2733}
svg .empty{font-size:14px;fill:#8c959f}
.legend{list-style:none;padding:0;margin:4px 0;display:flex;flex-wrap:wrap;gap:12px;font-size:12px}
.swatch{display:inline-block;width:11px;height:11px;margin-right:4px;vertical-align:-1px}
table{border-collapse:collapse;font-size:12px;margin:4px 0} th,td{border:1px solid #d0d7de;padding:2px 6px}
th{background:#f6f8fa;text-align:left} td.n{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#57606a;font-size:12px}
@page{size:A4;margin:12mm} @media print{body{margin:0} section{break-inside:avoid}}
)";

std::string result_color(const std::string& result) {
  static const std::map<std::string, std::string> kColors{{"SUCCESS", "#2e7d32"},
                                                          {"SUCCESS_MULTIPLE_FACES", "#81c784"},
                                                          {"UNKNOWN_PERSON", "#c62828"},
                                                          {"UNKNOWN_MULTIPLE_FACES", "#ef9a9a"},
                                                          {"NO_FACES_FOUND", "#f9a825"},
                                                          {"NO_TRAINING_IMAGE", "#6a1b9a"},
                                                          {"TRAINING_IMAGE_FAILED", "#ab47bc"},
                                                          {"INVALID_IMAGE", "#5d4037"},
                                                          {kNoResult, "#90a4ae"}};
  const auto it = kColors.find(result);
  return it != kColors.end() ? it->second : "#455a64";
}

std::string td(const std::string& v, bool numeric = false) {
  return fmt::format("<td{}>{}</td>", numeric ? " class=\"n\"" : "", escape(v));
}

std::string table(const std::vector<std::string>& header, const std::vector<std::string>& rows) {
  std::string out = "<table><tr>";
  for (const auto& h : header) out += "<th>" + escape(h) + "</th>";
  out += "</tr>";
  for (const auto& r : rows) out += "<tr>" + r + "</tr>";
  if (rows.empty()) out += fmt::format("<tr><td colspan=\"{}\">none</td></tr>", header.size());
  return out + "</table>";
}

/// 1234567 -> "1,234,567".
std::string thousands(long long n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string card(const std::string& label, const std::string& value, bool warn = false) {
  return fmt::format(R"(<div class="card{}"><b>{}</b>{}</div>)", warn ? " warn" : "", escape(value), escape(label));
}

std::string summary(const Report& r) {
  long long snapshots = 0, decided = 0, verified = 0;
  for (const auto& a : r.agents) {
    snapshots += a.snapshots;
    decided += a.decided;
    verified += a.verified;
  }
  const auto rate = success_rate(AgentRate{"", snapshots, decided, verified, ""});
  const Throughput& t = r.throughput;
  std::string out = R"(<section class="cards">)";
  out += card("snapshots", thousands(snapshots));
  out += card("verified of decided", rate ? fmt::format("{:.1f}%", *rate) : "-");
  out += card("non-success", thousands(r.non_success.total), r.non_success.total > 0);
  out += card("processed per hour", fmt::format("{:.1f}", t.per_hour));
  out += card("pending now", thousands(t.pending_now));
  out += card("oldest pending", t.oldest_pending ? format_duration(t.oldest_pending_age_seconds) : "-");
  out += card("open alerts", std::to_string(r.alerts.size()), !r.alerts.empty());
  return out + "</section>";
}

/// Hourly rows with the empty hours between them filled in, so the bars
/// stand to time scale; beyond kMaxFilledHours only the hours with data.
std::vector<PivotRow> continuous_hours(const Report& r, std::size_t columns) {
  const auto rows = pivot_hourly(r, false);
  if (rows.empty()) return rows;
  const long long first = to_seconds(rows.front().hour), last = to_seconds(rows.back().hour);
  if ((last - first) / 3600 + 1 > static_cast<long long>(kMaxFilledHours)) return rows;
  std::vector<PivotRow> filled;
  auto it = rows.begin();
  for (long long t = first; t <= last; t += 3600) {
    const std::string hour = from_seconds(t).substr(0, 13) + ":00";
    if (it != rows.end() && it->hour == hour)
      filled.push_back(*it++);
    else
      filled.push_back({hour, "", std::vector<long long>(columns, 0), 0});
  }
  return filled;
}

/// Over more than two days of hours, labels only midnights ("MM-DD"),
/// every n-th day so that at most kMaxDayLabels remain; blanks the rest.
void label_midnights(std::vector<std::string>& labels) {
  if (labels.size() <= 48) return;
  const std::size_t days = labels.size() / 24 + 1;
  const std::size_t step = (days + kMaxDayLabels - 1) / kMaxDayLabels;
  std::size_t midnight = 0;
  for (auto& label : labels) {
    const bool keep = label.size() == 11 && label.compare(6, 5, "00:00") == 0 && midnight++ % step == 0;
    label = keep ? label.substr(0, 5) : std::string();
  }
}

std::string hourly_chart(const Report& r) {
  const auto columns = result_columns(r);
  const auto rows = continuous_hours(r, columns.size());
  std::vector<std::string> labels;
  std::vector<svg::Series> series;
  for (const auto& c : columns) series.push_back({c, result_color(c), {}});
  for (const auto& row : rows) {
    labels.push_back(row.hour.substr(5));  // "MM-DD HH:00"
    for (std::size_t c = 0; c < columns.size(); ++c) series[c].values.push_back(static_cast<double>(row.counts[c]));
  }
  label_midnights(labels);
  return "<section><h2>Results per hour (by capture time)</h2>" + svg::stacked_bars(labels, series, "snapshots") +
         svg::legend(series) + "</section>";
}

std::string agent_chart(const Report& r) {
  std::vector<std::pair<double, std::string>> rated;
  for (const auto& a : r.agents)
    if (const auto rate = success_rate(a)) rated.emplace_back(*rate, a.lan_id);
  std::sort(rated.begin(), rated.end());
  const std::size_t shown = std::min(rated.size(), kMaxAgentBars);
  std::vector<std::string> labels, colors;
  std::vector<double> values;
  for (std::size_t i = 0; i < shown; ++i) {
    labels.push_back(rated[i].second);
    values.push_back(rated[i].first);
    colors.push_back(rated[i].first < kRateRed ? "#c62828" : rated[i].first < kRateAmber ? "#f9a825" : "#2e7d32");
  }
  std::string note = rated.size() > shown
                         ? fmt::format("<p class=\"note\">The {} lowest of {} agents.</p>", shown, rated.size())
                         : std::string();
  return "<section><h2>Success rate per agent (verified / decided, lowest first)</h2>" +
         svg::percent_bars(labels, values, colors) + note + "</section>";
}

std::string confidence_chart(const Report& r) {
  std::vector<std::string> labels;
  svg::Series bins{"snapshots", "#1565c0", {}};
  for (std::size_t i = 0; i < r.confidence.size(); ++i) {
    labels.push_back(fmt::format("{}-{}%", i * 10, i * 10 + 10));
    bins.values.push_back(static_cast<double>(r.confidence[i]));
  }
  const bool any = std::any_of(r.confidence.begin(), r.confidence.end(), [](long long n) { return n > 0; });
  return "<section><h2>Confidence (accuracy) histogram</h2>" +
         svg::stacked_bars(any ? labels : std::vector<std::string>{}, {bins}, "snapshots") + "</section>";
}

std::string backlog_chart(const Report& r) {
  std::vector<double> xs, values;
  for (const auto& p : r.backlog) {
    xs.push_back(static_cast<double>(to_seconds(p.time)));
    values.push_back(static_cast<double>(p.pending));
  }
  std::vector<std::pair<double, std::string>> ticks;
  if (!xs.empty()) {
    const long long first = static_cast<long long>(xs.front()), last = static_cast<long long>(xs.back());
    for (int i = 0; i <= kBacklogTicks; ++i) {
      const long long at = first + (last - first) * i / kBacklogTicks;
      ticks.emplace_back(static_cast<double>(at), from_seconds(at).substr(5, 11));  // "MM-DD HH:MM"
      if (last == first) break;
    }
  }
  return "<section><h2>Backlog over time (rows waiting)</h2>" +
         svg::step_line(xs, values, ticks, "pending", "#6a1b9a") + "</section>";
}

std::string alerts_table(const Report& r) {
  std::vector<std::string> rows;
  for (const auto& a : r.alerts)
    rows.push_back(td(std::to_string(a.id), true) + td(a.lan_id) + td(std::string(alert_kind_name(a.kind))) +
                   td(a.window_start) + td(a.window_end) + td(std::to_string(a.runs), true) + td(a.detail));
  return fmt::format("<section><h2>Open watch alerts ({})</h2>", r.alerts.size()) +
         table({"id", "lan_id", "kind", "window start", "window end", "runs", "detail"}, rows) + "</section>";
}

std::string non_success_table(const Report& r) {
  std::vector<std::string> rows;
  for (const auto& n : r.non_success.rows)
    rows.push_back(td(std::to_string(n.id), true) + td(n.lan_id) + td(n.capture_time) + td(cell(n.processed_time)) +
                   td(n.result) + td(cell(n.num_faces), true) + td(cell(n.accuracy), true) +
                   td(distance_cell(n.distance), true) + td(cell(n.closest_lan_id)) +
                   td(distance_cell(n.closest_distance), true));
  return fmt::format("<section><h2>Non-success snapshots ({}, newest {} shown)</h2>", r.non_success.total,
                     r.non_success.rows.size()) +
         table({"id", "lan_id", "captured", "processed", "result", "faces", "accuracy %", "distance",
                "closest other agent", "its distance"},
               rows) +
         "</section>";
}

std::string agents_table(const Report& r) {
  std::vector<std::string> rows;
  for (const auto& a : r.agents)
    rows.push_back(td(a.lan_id) + td(std::to_string(a.snapshots), true) + td(std::to_string(a.decided), true) +
                   td(std::to_string(a.verified), true) + td(cell(success_rate(a)), true) + td(a.last_seen));
  return "<section><h2>Agents</h2>" +
         table({"lan_id", "snapshots", "decided", "verified", "success %", "last seen"}, rows) + "</section>";
}

std::string hourly_table(const Report& r) {
  const auto columns = result_columns(r);
  std::vector<std::string> header{"hour"};
  header.insert(header.end(), columns.begin(), columns.end());
  header.emplace_back("total");
  std::vector<std::string> rows;
  for (const auto& row : pivot_hourly(r, false)) {
    std::string cells = td(row.hour);
    for (long long n : row.counts) cells += td(std::to_string(n), true);
    rows.push_back(cells + td(std::to_string(row.total), true));
  }
  return "<section><h2>Snapshots per hour (all agents in the window; per agent: --format csv or json)</h2>" +
         table(header, rows) + "</section>";
}

}  // namespace

void render_html(const Report& r, std::ostream& out) {
  const std::string agent = r.filter.lan_id ? " · agent " + *r.filter.lan_id : std::string();
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      << "<title>biosense report " << escape(r.filter.since) << " to " << escape(r.filter.until) << "</title>"
      << "<style>" << kStyle << "</style></head><body>\n"
      << "<h1>biosense report</h1><p class=\"meta\">Snapshots captured from " << escape(r.filter.since) << " to "
      << escape(r.filter.until) << escape(agent) << " · read at " << escape(r.generated_at) << " (database clock)</p>\n"
      << summary(r) << '\n'
      << hourly_chart(r) << '\n'
      << agent_chart(r) << '\n'
      << confidence_chart(r) << '\n'
      << backlog_chart(r) << '\n'
      << alerts_table(r) << '\n'
      << non_success_table(r) << '\n'
      << agents_table(r) << '\n'
      << hourly_table(r) << "\n</body></html>\n";
}

}  // namespace biosense::report
