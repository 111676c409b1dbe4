/// The report's storage (storage/report_store.hpp) and the 004 views over a
/// real SQLite file and a real MariaDB database, on the rows of
/// support/report_seed.cpp, with the numbers worked out by hand.
#include <catch2/catch.hpp>

#include <soci/soci.h>

#include <cmath>

#include "biosense/report/build.hpp"
#include "biosense/report/timestamp.hpp"
#include "biosense/storage/migrations.hpp"
#include "storage/connection.hpp"
#include "support/report_seed.hpp"
#include "support/storage_backend.hpp"

using namespace biosense;
using namespace biosense::test;

namespace {

ReportFilter day(std::optional<std::string> lan_id = std::nullopt) { return {kSince, kUntil, std::move(lan_id)}; }

long long count(SqlBackend& backend, const std::string& query) {
  long long n = 0;
  backend.raw().sql() << query, soci::into(n);
  return n;
}

/// report_hourly rows for whole hours of [since, until), sorted as the store sorts.
std::vector<HourlyCount> view_hourly(SqlBackend& backend, const std::string& since, const std::string& until) {
  std::vector<HourlyCount> rows;
  std::string hour, lan_id, result;
  soci::indicator result_ind = soci::i_ok;
  long long n = 0;
  const std::string from = since.substr(0, 13) + ":00", to = until.substr(0, 13) + ":00";
  soci::statement st =
      (backend.raw().sql().prepare << "SELECT hour, lan_id, result, n FROM report_hourly"
                                      " WHERE hour >= :from AND hour < :to ORDER BY hour, lan_id, result",
       soci::into(hour), soci::into(lan_id), soci::into(result, result_ind), soci::into(n), soci::use(from),
       soci::use(to));
  st.execute();
  while (st.fetch()) rows.push_back({hour, lan_id, result_ind == soci::i_ok ? std::optional(result) : std::nullopt, n});
  return rows;
}

bool same(const std::vector<HourlyCount>& a, const std::vector<HourlyCount>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].hour != b[i].hour || a[i].lan_id != b[i].lan_id || a[i].result != b[i].result || a[i].n != b[i].n)
      return false;
  return true;
}

}  // namespace

SQL_BACKEND_TEST("report store: hourly counts per agent and result", "[report]") {
  backend.migrate();
  seed_report_rows(backend.raw());
  auto store = open_report_store(backend.url());
  const auto rows = store->hourly_counts(day());
  REQUIRE(rows.size() == 7);
  const std::vector<std::tuple<std::string, std::string, std::optional<std::string>, long long>> expected = {
      {"2024-03-01 09:00", kAgentA, "SUCCESS", 2},        {"2024-03-01 09:00", kAgentB, "NO_TRAINING_IMAGE", 1},
      {"2024-03-01 10:00", kAgentA, "NO_FACES_FOUND", 1}, {"2024-03-01 10:00", kAgentA, "SUCCESS_MULTIPLE_FACES", 1},
      {"2024-03-01 10:00", kAgentA, "UNKNOWN_PERSON", 1}, {"2024-03-01 10:00", kAgentB, std::nullopt, 1},
      {"2024-03-01 11:00", kAgentB, std::nullopt, 1}};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    INFO("row " << i);
    CHECK(rows[i].hour == std::get<0>(expected[i]));
    CHECK(rows[i].lan_id == std::get<1>(expected[i]));
    CHECK(rows[i].result == std::get<2>(expected[i]));
    CHECK(rows[i].n == std::get<3>(expected[i]));
  }
  const auto one = store->hourly_counts(day(kAgentA));
  REQUIRE(one.size() == 4);
  CHECK(one[0].n == 2);
  for (const auto& row : one) CHECK(row.lan_id == kAgentA);
  CHECK(store->hourly_counts(day("nobody")).empty());
}

SQL_BACKEND_TEST("report store: the non-success list, per-agent rates, confidence", "[report]") {
  backend.migrate();
  seed_report_rows(backend.raw());
  auto store = open_report_store(backend.url());

  const auto list = store->non_success(day(), 100);
  CHECK(list.total == 4);  // 3, 4, 5, 6: decided, not SUCCESS; the P row has no result
  REQUIRE(list.rows.size() == 4);
  CHECK(list.rows[0].id == 6);
  CHECK(list.rows[0].result == "NO_TRAINING_IMAGE");
  CHECK(list.rows[0].lan_id == kAgentB);
  CHECK_FALSE(list.rows[0].num_faces);
  CHECK_FALSE(list.rows[0].accuracy);
  CHECK_FALSE(list.rows[0].distance);
  CHECK_FALSE(list.rows[0].closest_lan_id);
  CHECK_FALSE(list.rows[0].closest_distance);
  CHECK(list.rows[0].processed_time == "2024-03-01 10:00:00");
  CHECK(list.rows[3].id == 3);
  CHECK(list.rows[3].capture_time == "2024-03-01 10:15:00");
  CHECK(list.rows[3].num_faces == 1);
  REQUIRE(list.rows[3].accuracy);
  CHECK(*list.rows[3].accuracy == Approx(12.0));
  REQUIRE(list.rows[3].distance);
  CHECK(*list.rows[3].distance == Approx(0.6491));
  CHECK(list.rows[3].closest_lan_id == kAgentB);
  REQUIRE(list.rows[3].closest_distance);
  CHECK(*list.rows[3].closest_distance == Approx(0.2683));
  const auto capped = store->non_success(day(), 2);
  CHECK(capped.total == 4);
  REQUIRE(capped.rows.size() == 2);
  CHECK(capped.rows[1].id == 5);
  CHECK(store->non_success(day(kAgentA), 100).total == 3);

  const auto agents = store->agent_rates(day());
  REQUIRE(agents.size() == 2);
  CHECK(agents[0].lan_id == kAgentA);
  CHECK(agents[0].snapshots == 5);
  CHECK(agents[0].decided == 5);
  CHECK(agents[0].verified == 3);
  CHECK(agents[0].last_seen == "2024-03-01 10:50:00");
  CHECK(agents[1].lan_id == kAgentB);
  CHECK(agents[1].snapshots == 3);
  CHECK(agents[1].decided == 1);
  CHECK(agents[1].verified == 0);
  CHECK(agents[1].last_seen == "2024-03-01 11:30:00");

  const ConfidenceBins bins = store->confidence_bins(day());
  const ConfidenceBins expected{0, 1, 0, 0, 0, 0, 0, 0, 1, 2};
  CHECK(bins == expected);
}

SQL_BACKEND_TEST("report store: throughput, the pending queue and the backlog", "[report]") {
  backend.migrate();
  seed_report_rows(backend.raw());
  auto store = open_report_store(backend.url());
  const auto processed = store->processed_per_hour(day());
  REQUIRE(processed.size() == 4);
  CHECK(processed[0].hour == "2024-03-01 00:00");
  CHECK(processed[0].n == 1);
  CHECK(processed[2].hour == "2024-03-01 10:00");
  CHECK(processed[2].n == 4);

  const QueueState queue = store->queue_state(day());
  CHECK(queue.pending_now == 3);
  CHECK(queue.oldest_pending == "2024-03-01 10:05:00");
  CHECK(queue.oldest_pending_age_seconds > 365LL * 86400);  // the database clock is in 2025 or later
  CHECK(queue.captured_from_until == 2);
  CHECK(queue.processed_from_until == 1);
  const QueueState one = store->queue_state(day(kAgentA));
  CHECK(one.pending_now == 1);
  CHECK(one.oldest_pending == "2024-03-02 08:00:00");

  // Pending at each point, checked row by row in support/report_seed.cpp's numbering.
  const auto points = report::backlog_points(store->hourly_counts(day()), processed, queue, day());
  const std::vector<std::pair<std::string, long long>> expected = {
      {"2024-03-01 00:00:00", 1},                               // 9
      {"2024-03-01 01:00:00", 0}, {"2024-03-01 10:00:00", 2},   // 2 and 6 (processed at 10:05, 10:00)
      {"2024-03-01 11:00:00", 2},                               // 7, and 5 processed at 11:00
      {"2024-03-01 12:00:00", 2}, {"2024-03-02 00:00:00", 2}};  // 7 and 8
  REQUIRE(points.size() == expected.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    INFO(points[i].time);
    CHECK(points[i].time == expected[i].first);
    CHECK(points[i].pending == expected[i].second);
  }
}

SQL_BACKEND_TEST("report build: window, sections and the open alerts", "[report]") {
  backend.migrate();
  seed_report_rows(backend.raw());
  auto store = open_report_store(backend.url());
  auto watch = open_watch_store(backend.url());
  AlertRecord alert;
  alert.lan_id = kAgentA;
  alert.kind = AlertKind::Absent;
  alert.window_start = "2024-03-01 10:00:00";
  alert.window_end = "2024-03-01 10:10:00";
  alert.evidence_ids = {4};
  alert.scores = "{}";
  alert.detail = "no face";
  const auto open = watch->record_alert(alert);
  alert.kind = AlertKind::Substituted;
  const auto handled = watch->record_alert(alert);
  REQUIRE(watch->acknowledge_alert(handled.id, "supervisor"));
  alert.lan_id = kAgentB;
  alert.kind = AlertKind::NoData;
  watch->record_alert(alert);

  report::ReportRequest request;
  request.since = "2024-03-01";
  request.until = kUntil;
  request.max_rows = 3;
  const report::Report r = report::build_report(*store, *watch, request);
  CHECK(r.filter.since == kSince);
  CHECK(r.filter.until == kUntil);
  CHECK(r.hourly.size() == 7);
  CHECK(r.non_success.total == 4);
  CHECK(r.non_success.rows.size() == 3);
  CHECK(r.throughput.processed == 7);
  CHECK(r.throughput.per_hour == Approx(7.0 / 24));
  REQUIRE(r.throughput.peak);
  CHECK(r.throughput.peak->hour == "2024-03-01 10:00");
  CHECK(r.alerts.size() == 2);  // the acknowledged one is not listed

  request.lan_id = kAgentA;
  const report::Report a = report::build_report(*store, *watch, request);
  REQUIRE(a.alerts.size() == 1);
  CHECK(a.alerts[0].id == open.id);
  CHECK(a.agents.size() == 1);

  // No window given: the 24 hours before the database clock, where the seed has nothing.
  const report::Report now = report::build_report(*store, *watch, {});
  CHECK(std::abs(report::to_seconds(now.filter.until) - report::to_seconds(store->now())) <= 5);
  CHECK(report::to_seconds(now.filter.until) - report::to_seconds(now.filter.since) == 24 * 3600);
  CHECK(now.hourly.empty());

  request.since = kUntil;
  CHECK_THROWS_AS(report::build_report(*store, *watch, request), std::invalid_argument);
}

SQL_BACKEND_TEST("report views: migrate creates them and they agree with the report store", "[report][migrate]") {
  backend.migrate();
  seed_report_rows(backend.raw());
  auto store = open_report_store(backend.url());
  CHECK(same(view_hourly(backend, kSince, kUntil), store->hourly_counts(day())));
  const std::string everything_since = "2000-01-01 00:00:00", everything_until = "2100-01-01 00:00:00";
  CHECK(same(view_hourly(backend, everything_since, everything_until),
             store->hourly_counts({everything_since, everything_until, std::nullopt})));
  CHECK(count(backend,
              "SELECT COUNT(*) FROM report_non_success WHERE capture_time >= '2024-03-01 00:00:00'"
              " AND capture_time < '2024-03-02 00:00:00'") == store->non_success(day(), 0).total);
  CHECK(count(backend, "SELECT COUNT(*) FROM report_non_success") == 5);  // + row 10
  // The view shows the gallery check's columns (migration 006).
  CHECK(count(backend, "SELECT COUNT(*) FROM report_non_success WHERE closest_lan_id IS NOT NULL") == 1);
  CHECK(count(backend, "SELECT id FROM report_non_success WHERE closest_distance < distance") == 3);

  // report_agent_rates covers the whole table: the store over every time agrees.
  const auto agents = store->agent_rates({everything_since, everything_until, std::nullopt});
  REQUIRE(agents.size() == 2);
  for (const auto& a : agents) {
    std::string lan_id, last_seen;
    long long snapshots = 0, decided = 0, verified = 0;
    double rate = 0;
    soci::indicator rate_ind = soci::i_ok;
    backend.raw().sql() << "SELECT lan_id, snapshots, decided, verified, success_rate, last_seen"
                           " FROM report_agent_rates WHERE lan_id = :lan_id",
        soci::into(lan_id), soci::into(snapshots), soci::into(decided), soci::into(verified),
        soci::into(rate, rate_ind), soci::into(last_seen), soci::use(a.lan_id);
    INFO(a.lan_id);
    CHECK(snapshots == a.snapshots);
    CHECK(decided == a.decided);
    CHECK(verified == a.verified);
    CHECK(last_seen.substr(0, 19) == a.last_seen);
    REQUIRE(rate_ind == soci::i_ok);
    CHECK(rate == Approx(*report::success_rate(a)).margin(0.05));
  }
  CHECK(agents[0].snapshots == 7);
  CHECK(agents[0].verified == 4);
}

SQL_BACKEND_TEST("report views on the user's legacy tables after migrate", "[report][migrate][legacy]") {
  auto& sql = backend.raw().sql();
  backend.create_legacy_tables();
  for (const char* values : {"'2023-05-01 10:00:00', 'Y', 'SUCCESS', '2023-05-01 10:01:00', 1",
                             "'2023-05-01 10:20:00', 'Y', 'UNKNOWN_PERSON', '2023-05-01 10:21:00', 1",
                             "'2023-05-01 11:00:00', 'N', NULL, NULL, NULL"})
    sql << std::string(
               "INSERT INTO stream_img (lan_id, capture_time, status, result, processed_time, num_faces)"
               " VALUES (:lan_id, ") +
               values + ")",
        soci::use(kAgentA);
  migrate_database(backend.url());
  CHECK(count(backend, "SELECT COUNT(*) FROM report_hourly") == 3);
  CHECK(count(backend, "SELECT n FROM report_hourly WHERE hour = '2023-05-01 10:00' AND result = 'SUCCESS'") == 1);
  CHECK(count(backend, "SELECT COUNT(*) FROM report_non_success") == 1);
  CHECK(count(backend, "SELECT decided FROM report_agent_rates") == 2);
  auto store = open_report_store(backend.url());
  const auto rows = store->hourly_counts({"2023-05-01 00:00:00", "2023-05-02 00:00:00", std::nullopt});
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].lan_id == "NA\\nvep5898");
  CHECK(migrate_database(backend.url()).empty());
}
