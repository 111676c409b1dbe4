/// `biosense alerts list|ack` end to end: the real binary over a real SQLite
/// file and a real MariaDB database, with alerts stored through WatchStore.
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "biosense/cli/invocation.hpp"
#include "biosense/storage/alerts.hpp"
#include "support/storage_backend.hpp"
#include "support/test_support.hpp"

using namespace biosense;

namespace {

AlertRecord make_alert(const std::string& lan_id, AlertKind kind, const std::string& start, const std::string& end) {
  AlertRecord a;
  a.lan_id = lan_id;
  a.kind = kind;
  a.window_start = start;
  a.window_end = end;
  a.evidence_ids = {3, 5};
  a.scores = "{\"share\":0.75}";
  a.detail = "3 of 4 snapshots show an unknown person";
  return a;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    lines.push_back(text.substr(start, nl - start));
  return lines;
}

}  // namespace

SQL_BACKEND_TEST("alerts list shows the open alerts and alerts ack closes them", "[alerts]") {
  backend.migrate();
  const std::string agent = "NA\\nvep5898";
  std::int64_t older = 0, newer = 0, other = 0;
  {
    const auto store = open_watch_store(backend.url());
    older =
        store->record_alert(make_alert(agent, AlertKind::Substituted, "2024-03-01 10:00:00", "2024-03-01 10:10:00")).id;
    newer = store->record_alert(make_alert(agent, AlertKind::Absent, "2024-03-01 11:00:00", "2024-03-01 11:10:00")).id;
    other =
        store->record_alert(make_alert("other", AlertKind::FrozenFeed, "2024-03-01 10:30:00", "2024-03-01 10:40:00"))
            .id;
  }
  const std::vector<std::string> db{"--db", backend.url()};
  auto biosense = [&](std::vector<std::string> args) {
    args.insert(args.begin(), db.begin(), db.end());
    return test::run_biosense(args);
  };

  const auto all = biosense({"alerts", "list"});
  INFO(all.out << all.err);
  REQUIRE(all.exit_code == 0);
  const auto lines = lines_of(all.out);
  REQUIRE(lines.size() == 3);
  CHECK_THAT(lines[0], Catch::StartsWith(fmt::format("alert {} ABSENT lan_id=\"NA\\\\nvep5898\"", newer)));
  CHECK_THAT(lines[1], Catch::StartsWith(fmt::format("alert {} FROZEN_FEED lan_id=\"other\"", other)));
  CHECK_THAT(lines[2], Catch::Contains("window=(2024-03-01 10:00:00, 2024-03-01 10:10:00] runs=1 evidence=3,5"));

  const auto one = biosense({"alerts", "list", "--lan-id", agent, "--format", "json"});
  INFO(one.out << one.err);
  REQUIRE(one.exit_code == 0);
  const auto json_lines = lines_of(one.out);
  REQUIRE(json_lines.size() == 2);
  const auto first = nlohmann::json::parse(json_lines[0]);
  CHECK(first["id"] == newer);
  CHECK(first["kind"] == "ABSENT");
  CHECK(first["lan_id"] == agent);
  CHECK(first["evidence_ids"] == nlohmann::json::array({3, 5}));
  CHECK(first["scores"]["share"] == 0.75);
  CHECK(first["acknowledged_by"].is_null());

  const auto ack = biosense({"alerts", "ack", fmt::format("{},{}", older, other), "--by", "supervisor"});
  INFO(ack.out << ack.err);
  CHECK(ack.exit_code == 0);
  CHECK_THAT(ack.out, Catch::Contains(fmt::format("acknowledged alert {} by \"supervisor\"", older)));
  const auto left = biosense({"alerts", "list"});
  REQUIRE(left.exit_code == 0);
  REQUIRE(lines_of(left.out).size() == 1);
  CHECK_THAT(left.out, Catch::StartsWith(fmt::format("alert {} ABSENT", newer)));

  // Acknowledged twice or unknown: exit 1, the others are still acknowledged.
  const auto again = biosense({"alerts", "ack", fmt::format("{},{},999999", older, newer)});
  INFO(again.out << again.err);
  CHECK(again.exit_code == 1);
  CHECK_THAT(again.err, Catch::Contains(fmt::format("alert {}: no open alert", older)));
  CHECK_THAT(again.err, Catch::Contains("alert 999999: no open alert"));
  const auto none = biosense({"alerts", "list"});
  CHECK(none.exit_code == 0);
  CHECK(none.out.empty());

  // A new condition after the acknowledgement is a new alert, not an extension.
  const auto store = open_watch_store(backend.url());
  const auto raised =
      store->record_alert(make_alert(agent, AlertKind::Absent, "2024-03-01 11:05:00", "2024-03-01 11:15:00"));
  CHECK(raised.inserted);
  CHECK(raised.id != newer);
}

TEST_CASE("alerts ack refuses ids that are not positive integers", "[alerts][cli]") {
  for (const std::string ids : {"0", "-3", "12x", "1,,2", ""}) {
    INFO(ids);
    const auto p = parse_command_line({"alerts", "ack", ids});
    CHECK_FALSE(p.invocation);
    CHECK(p.exit_code == 1);
  }
  const auto p = parse_command_line({"alerts", "ack", "4,7", "--by", "lead"});
  REQUIRE(p.invocation);
  const auto& o = std::get<AlertsAckOptions>(p.invocation->command);
  CHECK(o.ids == std::vector<std::int64_t>{4, 7});
  CHECK(o.by == "lead");
}
