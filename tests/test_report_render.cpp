/// The report renderers (report/render.hpp) and time helpers on fixed data:
/// CSV and JSON parse back to the same numbers, the HTML page is
/// self-contained with one chart per <svg>, hostile text is escaped.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>

#include "biosense/report/build.hpp"
#include "biosense/report/render.hpp"
#include "biosense/report/timestamp.hpp"

using namespace biosense;
using namespace biosense::report;

namespace {

const std::string kHostile = "NA\\<b>\"x\",y";

Report fixed_report() {
  Report r;
  r.generated_at = "2024-03-02 08:00:00";
  r.filter = {"2024-03-01 00:00:00", "2024-03-02 00:00:00", std::nullopt};
  r.hourly = {{"2024-03-01 09:00", "NA\\a", "SUCCESS", 5},
              {"2024-03-01 09:00", kHostile, "UNKNOWN_PERSON", 2},
              {"2024-03-01 10:00", "NA\\a", std::nullopt, 3},
              {"2024-03-01 12:00", "NA\\a", "SUCCESS", 1}};
  r.non_success.total = 7;
  r.non_success.rows = {
      {42, kHostile, "2024-03-01 09:30:00", "2024-03-01 09:31:00", "UNKNOWN_PERSON", 1, 12.5, 0.58126, "NA\\a", 0.27},
      {41, "NA\\a", "2024-03-01 09:20:00", std::nullopt, "NO_FACES_FOUND", std::nullopt, std::nullopt, std::nullopt,
       std::nullopt, std::nullopt}};
  r.agents = {{"NA\\a", 9, 6, 6, "2024-03-01 12:10:00"}, {kHostile, 2, 2, 0, "2024-03-01 09:30:00"}};
  r.processed = {{"2024-03-01 09:00", 6}, {"2024-03-01 10:00", 2}};
  r.throughput = {8, 8.0 / 24, HourTotal{"2024-03-01 09:00", 6}, 3, "2024-03-01 10:00:00", 3600 * 22};
  r.confidence = {2, 0, 0, 0, 0, 0, 0, 1, 0, 5};
  r.backlog = {{"2024-03-01 09:00:00", 0}, {"2024-03-01 10:00:00", 1}, {"2024-03-02 00:00:00", 3}};
  AlertRecord alert;
  alert.id = 7;
  alert.lan_id = kHostile;
  alert.kind = AlertKind::Impersonation;
  alert.window_start = "2024-03-01 09:00:00";
  alert.window_end = "2024-03-01 09:10:00";
  alert.evidence_ids = {41, 42};
  alert.detail = "the face <does not> move";
  alert.runs = 2;
  r.alerts = {alert};
  return r;
}

std::string rendered(ReportFormat format) {
  std::ostringstream out;
  render(fixed_report(), format, out);
  return out.str();
}

/// RFC 4180 fields of one line (quoted fields may hold commas and quotes).
std::vector<std::string> parse_csv_line(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

/// Section name -> rows (header first), from the "# name" / rows / blank layout.
std::map<std::string, std::vector<std::vector<std::string>>> parse_csv_sections(const std::string& text) {
  std::map<std::string, std::vector<std::vector<std::string>>> sections;
  std::istringstream in(text);
  std::string line, current;
  while (std::getline(in, line)) {
    REQUIRE(!line.empty());
    REQUIRE(line.back() == '\r');  // CRLF line ends
    line.pop_back();
    if (line.empty()) {
      current.clear();
    } else if (line.rfind("# ", 0) == 0) {
      current = line.substr(2);
      sections[current];
    } else {
      REQUIRE_FALSE(current.empty());
      sections[current].push_back(parse_csv_line(line));
    }
  }
  return sections;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("report times: dates, full times and nothing else", "[report]") {
  CHECK(normalize_time("2024-03-01") == "2024-03-01 00:00:00");
  CHECK(normalize_time("2024-02-29 23:59:59") == "2024-02-29 23:59:59");
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-03-01 24:00:00", "2024-3-1", "yesterday", "",
                          "2024-03-01T10:00:00", "2024-03-01 10:00"})
    CHECK_THROWS_AS(normalize_time(bad), std::invalid_argument);
  CHECK(shift_time("2024-03-01 00:30:00", -3600) == "2024-02-29 23:30:00");
  CHECK(shift_time("2023-12-31 23:00:00", 3600) == "2024-01-01 00:00:00");
  CHECK(to_seconds("1970-01-02 00:00:00") == 86400);
  CHECK(to_seconds("2024-03-01 10:00") == to_seconds("2024-03-01 10:00:00"));
  CHECK(hour_of("2024-03-01 10:59:59") == "2024-03-01 10:00");
  CHECK(format_duration(45) == "45s");
  CHECK(format_duration(3 * 86400 + 4 * 3600 + 5) == "3d 4h");
}

TEST_CASE("report backlog: pending = pending now + processed after - captured after", "[report]") {
  // 10 rows captured at 08:xx, 4 processed at 09:xx, 2 more captured at 09:xx;
  // 1 more captured after until: 13 captured, 4 processed, 9 pending now.
  const std::vector<HourlyCount> hourly = {{"2024-03-01 08:00", "a", "SUCCESS", 10},
                                           {"2024-03-01 09:00", "a", std::nullopt, 2}};
  const std::vector<HourTotal> processed = {{"2024-03-01 09:00", 4}};
  QueueState queue;
  queue.pending_now = 9;
  queue.captured_from_until = 1;
  const auto points = backlog_points(hourly, processed, queue, {"2024-03-01 08:20:00", "2024-03-01 09:30:00", {}});
  REQUIRE(points.size() == 3);
  CHECK(points[0].time == "2024-03-01 08:20:00");  // the window starts inside the first hour
  CHECK(points[0].pending == 0);
  CHECK(points[1].time == "2024-03-01 09:00:00");
  CHECK(points[1].pending == 10);
  CHECK(points[2].time == "2024-03-01 09:30:00");  // the partial last hour ends at until
  CHECK(points[2].pending == 8);
}

TEST_CASE("report formats: names", "[report]") {
  CHECK(parse_report_format("HTML") == ReportFormat::Html);
  CHECK(parse_report_format("table") == ReportFormat::Table);
  CHECK_FALSE(parse_report_format("xml"));
}

TEST_CASE("report CSV parses back to the report's numbers", "[report]") {
  const Report r = fixed_report();
  const auto sections = parse_csv_sections(rendered(ReportFormat::Csv));
  for (const char* name :
       {"window", "hourly", "non_success", "agents", "throughput", "confidence", "backlog", "alerts"})
    CHECK(sections.count(name) == 1);
  const auto& hourly = sections.at("hourly");
  REQUIRE(hourly.size() == r.hourly.size() + 1);
  CHECK(hourly[0] == std::vector<std::string>{"hour", "lan_id", "result", "n"});
  CHECK(hourly[2] == std::vector<std::string>{"2024-03-01 09:00", kHostile, "UNKNOWN_PERSON", "2"});
  CHECK(hourly[3][2].empty());  // no result yet
  const auto& non_success = sections.at("non_success");
  REQUIRE(non_success.size() == 3);
  CHECK(non_success[0] == std::vector<std::string>{"id", "lan_id", "capture_time", "processed_time", "result",
                                                   "num_faces", "accuracy", "distance", "closest_lan_id",
                                                   "closest_distance"});
  CHECK(non_success[1] == std::vector<std::string>{"42", kHostile, "2024-03-01 09:30:00", "2024-03-01 09:31:00",
                                                   "UNKNOWN_PERSON", "1", "12.5", "0.5813", "NA\\a", "0.2700"});
  CHECK(non_success[2] ==
        std::vector<std::string>{"41", "NA\\a", "2024-03-01 09:20:00", "", "NO_FACES_FOUND", "", "", "", "", ""});
  CHECK(sections.at("window")[1][4] == "7");
  CHECK(sections.at("agents")[1] == std::vector<std::string>{"NA\\a", "9", "6", "6", "100.0", "2024-03-01 12:10:00"});
  CHECK(sections.at("confidence")[10] == std::vector<std::string>{"90", "100", "5"});
  CHECK(sections.at("backlog").size() == 4);
  CHECK(sections.at("alerts")[1][6] == "41,42");
  CHECK(sections.at("throughput")[1][4] == "3");
}

TEST_CASE("report JSON parses back to the report's numbers", "[report]") {
  const auto doc = nlohmann::json::parse(rendered(ReportFormat::Json));
  CHECK(doc["window"]["since"] == "2024-03-01 00:00:00");
  CHECK(doc["window"]["lan_id"].is_null());
  REQUIRE(doc["hourly"].size() == 4);
  CHECK(doc["hourly"][1]["lan_id"] == kHostile);
  CHECK(doc["hourly"][2]["result"].is_null());
  CHECK(doc["hourly"][3]["n"] == 1);
  CHECK(doc["non_success"]["total"] == 7);
  CHECK(doc["non_success"]["rows"][1]["accuracy"].is_null());
  CHECK(doc["non_success"]["rows"][0]["accuracy"] == 12.5);
  CHECK(doc["non_success"]["rows"][0]["distance"] == 0.58126);
  CHECK(doc["non_success"]["rows"][0]["closest_lan_id"] == "NA\\a");
  CHECK(doc["non_success"]["rows"][0]["closest_distance"] == 0.27);
  CHECK(doc["non_success"]["rows"][1]["closest_lan_id"].is_null());
  CHECK(doc["non_success"]["rows"][1]["closest_distance"].is_null());
  CHECK(doc["agents"][1]["success_rate"] == 0.0);
  CHECK(doc["throughput"]["pending_now"] == 3);
  CHECK(doc["throughput"]["peak_hour"] == "2024-03-01 09:00");
  CHECK(doc["confidence"][9]["n"] == 5);
  CHECK(doc["backlog"][2]["pending"] == 3);
  REQUIRE(doc["alerts"].size() == 1);
  CHECK(doc["alerts"][0]["kind"] == "IMPERSONATION");
  CHECK(doc["alerts"][0]["evidence_ids"] == nlohmann::json::array({41, 42}));
}

TEST_CASE("report HTML is self-contained: four SVG charts, no script, no network address", "[report]") {
  const std::string html = rendered(ReportFormat::Html);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(occurrences(html, "<svg") == 4);
  CHECK(occurrences(html, "</svg>") == 4);
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  CHECK(html.find("<b>\"x\"") == std::string::npos);  // hostile lan_id escaped...
  CHECK(html.find("NA\\&lt;b&gt;&quot;x&quot;,y") != std::string::npos);
  CHECK(html.find("the face &lt;does not&gt; move") != std::string::npos);  // ...and the alert detail
  CHECK(html.find("Open watch alerts (1)") != std::string::npos);
  // The non-success list names the closest other agent (the gallery check).
  CHECK(html.find("<th>closest other agent</th><th>its distance</th>") != std::string::npos);
  CHECK(html.find("<td class=\"n\">0.5813</td><td>NA\\a</td><td class=\"n\">0.2700</td>") != std::string::npos);
  CHECK(html.find("@media print") != std::string::npos);
  // Empty report: every chart still drawn, saying so.
  Report empty;
  empty.filter = {"2024-03-01 00:00:00", "2024-03-02 00:00:00", "NA\\a"};
  std::ostringstream out;
  render_html(empty, out);
  CHECK(occurrences(out.str(), "<svg") == 4);
  CHECK(occurrences(out.str(), "no data in this window") == 4);
}

TEST_CASE("report table shows every section", "[report]") {
  const std::string text = rendered(ReportFormat::Table);
  for (const char* heading : {"Snapshots per hour", "Non-success snapshots: 7 (newest 2 shown)",
                              "Agents:", "Throughput and backlog", "Confidence", "Open watch alerts: 1"})
    CHECK(text.find(heading) != std::string::npos);
  CHECK(text.find("pending now: 3") != std::string::npos);
  CHECK(text.find("closest_lan_id") != std::string::npos);
  CHECK(text.find("0.5813") != std::string::npos);
  CHECK(text.find("0.2700") != std::string::npos);
  CHECK(text.find("oldest pending: captured 2024-03-01 10:00:00 (22h 0m ago)") != std::string::npos);
  // One line per hour x agent with a column per result: 09:00 NA\a has 5 SUCCESS, 0 UNKNOWN_PERSON, total 5.
  CHECK(text.find("2024-03-01 09:00  NA\\a") != std::string::npos);
}

TEST_CASE("report HTML: over more than two days the hourly chart labels midnights only", "[report]") {
  Report r;
  r.filter = {"2024-03-01 00:00:00", "2024-03-04 00:00:00", std::nullopt};
  for (int h = 0; h < 72; ++h)
    r.hourly.push_back({shift_time("2024-03-01 00:00:00", h * 3600LL).substr(0, 13) + ":00", "NA\\a", "SUCCESS", 1});
  std::ostringstream out;
  render_html(r, out);
  const std::string html = out.str();
  const std::string chart = html.substr(0, html.find("</svg>"));
  for (const char* day : {">03-01<", ">03-02<", ">03-03<"}) CHECK(chart.find(day) != std::string::npos);
  CHECK(chart.find(">03-01 05:00<") == std::string::npos);
  CHECK(occurrences(chart, "<rect") == 72);  // one bar per hour
}
