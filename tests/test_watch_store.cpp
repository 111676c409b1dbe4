/// The watch's storage (storage/alerts.hpp) over real SQLite files and a real
/// MariaDB database: snapshots by window, photos, and alert de-duplication.
/// Rows are arranged through the production Repository (insert, claim,
/// commit), as the capture client and a pass would leave them.
#include <catch2/catch.hpp>

#include "biosense/storage/alerts.hpp"
#include "support/storage_backend.hpp"

using namespace biosense;

namespace {

const std::string kWorker = "watch-test:1";

/// A stream_img row captured at `time` and decided with `result`.
std::int64_t add_decided(Repository& repo, const std::string& lan_id, const std::string& time, ResultCode result,
                         const Bytes& image = Bytes{1, 2, 3}) {
  const std::int64_t id = repo.insert_image(ImageKind::Stream, lan_id, image, time);
  const auto claimed = repo.claim(ImageKind::Stream, 1, id, kWorker);
  REQUIRE(claimed.size() == 1);
  REQUIRE(claimed.front().id == id);
  Decision d;
  d.kind = ImageKind::Stream;
  d.id = id;
  d.lan_id = lan_id;
  d.result = result;
  d.detail = "arranged by the test";
  REQUIRE(repo.commit_decisions({d}, kWorker) == 1);
  return id;
}

AlertRecord alert(const std::string& lan_id, AlertKind kind, const std::string& start, const std::string& end,
                  std::vector<std::int64_t> evidence) {
  AlertRecord a;
  a.lan_id = lan_id;
  a.kind = kind;
  a.window_start = start;
  a.window_end = end;
  a.evidence_ids = std::move(evidence);
  a.scores = "{\"shape_residual\":0.001}";
  a.detail = "test";
  return a;
}

}  // namespace

SQL_BACKEND_TEST("the watch reads decided snapshots by agent and window", "[watch]") {
  backend.migrate();
  Repository& repo = backend.open();
  const std::string agent = "NA\\nvep5898";
  const auto before = add_decided(repo, agent, "2024-03-01 09:59:59", ResultCode::Success);
  const auto at_start = add_decided(repo, agent, "2024-03-01 10:00:00", ResultCode::Success);
  const auto first = add_decided(repo, agent, "2024-03-01 10:00:01", ResultCode::NoFacesFound, Bytes{9, 0, 9});
  const auto failed = add_decided(repo, agent, "2024-03-01 10:05:00", ResultCode::InvalidImage);
  const auto at_end = add_decided(repo, agent, "2024-03-01 10:10:00", ResultCode::UnknownPerson);
  const auto after = add_decided(repo, agent, "2024-03-01 10:10:01", ResultCode::Success);
  add_decided(repo, "other", "2024-03-01 10:03:00", ResultCode::Success);
  const auto pending = repo.insert_image(ImageKind::Stream, agent, Bytes{4}, "2024-03-01 10:06:00");
  (void)before;
  (void)at_start;
  (void)after;

  auto store = open_watch_store(backend.url());
  const auto rows = store->decided_snapshots(agent, "2024-03-01 10:00:00", "2024-03-01 10:10:00");
  REQUIRE(rows.size() == 3);  // (start, end]: not the row at start, not the pending one
  CHECK(rows[0].id == first);
  CHECK(rows[0].result == ResultCode::NoFacesFound);
  CHECK(rows[0].status == Status::Done);
  CHECK(rows[0].capture_time == "2024-03-01 10:00:01");
  CHECK(rows[0].lan_id == agent);
  CHECK(rows[1].id == failed);
  CHECK(rows[1].status == Status::Failed);
  CHECK(rows[2].id == at_end);
  CHECK(rows[2].result == ResultCode::UnknownPerson);

  const auto agents = store->agents_between("2024-03-01 10:00:00", "2024-03-01 10:10:00");
  CHECK(agents == std::vector<std::string>{"NA\\nvep5898", "other"});
  CHECK(store->agents_between("2024-03-01 10:10:01", "2024-03-01 11:00:00").empty());
  // A pending row alone makes its agent present (the pass has not caught up).
  CHECK(store->agents_between("2024-03-01 10:05:30", "2024-03-01 10:06:00") == std::vector<std::string>{agent});

  CHECK(store->snapshot_image(first) == Bytes{9, 0, 9});
  CHECK(store->snapshot_image(pending) == Bytes{4});
  CHECK_FALSE(store->snapshot_image(999999));
  CHECK(store->now().size() == 19);
}

SQL_BACKEND_TEST("one condition in overlapping windows is one alert", "[watch]") {
  backend.migrate();
  auto store = open_watch_store(backend.url());
  const std::string agent = "na\\rgupta";

  const auto first = store->record_alert(
      alert(agent, AlertKind::Impersonation, "2024-03-01 10:00:00", "2024-03-01 10:10:00", {3, 1, 2}));
  CHECK(first.inserted);
  // The next run's window overlaps: the same alert, widened.
  const auto second = store->record_alert(
      alert(agent, AlertKind::Impersonation, "2024-03-01 10:05:00", "2024-03-01 10:15:00", {2, 3, 4}));
  CHECK_FALSE(second.inserted);
  CHECK(second.id == first.id);
  // Touching windows (a cron run every 10 minutes) extend it too.
  const auto third =
      store->record_alert(alert(agent, AlertKind::Impersonation, "2024-03-01 10:15:00", "2024-03-01 10:25:00", {5}));
  CHECK_FALSE(third.inserted);
  CHECK(third.id == first.id);
  // Another kind, another agent, or a window that does not touch: new alerts.
  CHECK(store->record_alert(alert(agent, AlertKind::FrozenFeed, "2024-03-01 10:00:00", "2024-03-01 10:10:00", {1}))
            .inserted);
  CHECK(store->record_alert(alert("other", AlertKind::Impersonation, "2024-03-01 10:00:00", "2024-03-01 10:10:00", {7}))
            .inserted);
  const auto later =
      store->record_alert(alert(agent, AlertKind::Impersonation, "2024-03-01 11:00:00", "2024-03-01 11:10:00", {9}));
  CHECK(later.inserted);

  const auto open = store->open_alerts(agent);
  REQUIRE(open.size() == 3);
  const auto it = std::find_if(open.begin(), open.end(), [&](const AlertRecord& a) { return a.id == first.id; });
  REQUIRE(it != open.end());
  CHECK(it->kind == AlertKind::Impersonation);
  CHECK(it->window_start == "2024-03-01 10:00:00");
  CHECK(it->window_end == "2024-03-01 10:25:00");
  CHECK(it->evidence_ids == std::vector<std::int64_t>{1, 2, 3, 4, 5});
  CHECK(it->runs == 3);
  CHECK(it->scores == "{\"shape_residual\":0.001}");
  CHECK(it->created_at.size() == 19);
  CHECK(open.front().id == later.id);  // newest window first
  CHECK(store->open_alerts().size() == 4);

  // Acknowledged alerts are closed: the same condition again opens a new one.
  CHECK(store->acknowledge_alert(first.id, "supervisor"));
  CHECK_FALSE(store->acknowledge_alert(first.id, "supervisor"));
  CHECK(store->open_alerts(agent).size() == 2);
  const auto reopened =
      store->record_alert(alert(agent, AlertKind::Impersonation, "2024-03-01 10:20:00", "2024-03-01 10:30:00", {6}));
  CHECK(reopened.inserted);
  CHECK(reopened.id != first.id);
}

SQL_BACKEND_TEST("extended alerts keep the newest evidence ids only", "[watch]") {
  backend.migrate();
  auto store = open_watch_store(backend.url());
  std::vector<std::int64_t> many;
  for (std::int64_t i = 1; i <= 40; ++i) many.push_back(i);
  store->record_alert(alert("a", AlertKind::ReplayedImage, "2024-03-01 10:00:00", "2024-03-01 10:10:00", many));
  for (auto& id : many) id += 40;
  store->record_alert(alert("a", AlertKind::ReplayedImage, "2024-03-01 10:10:00", "2024-03-01 10:20:00", many));
  const auto open = store->open_alerts();
  REQUIRE(open.size() == 1);
  REQUIRE(open.front().evidence_ids.size() == kMaxEvidenceIds);
  CHECK(open.front().evidence_ids.front() == 80 - static_cast<std::int64_t>(kMaxEvidenceIds) + 1);
  CHECK(open.front().evidence_ids.back() == 80);
}

SQL_BACKEND_TEST("the watch refuses a database that is not migrated", "[watch]") {
  CHECK_THROWS_AS(open_watch_store(backend.url()), StorageError);
}

TEST_CASE("alert kinds and evidence lists round-trip", "[watch]") {
  for (AlertKind kind : kAllAlertKinds) CHECK(parse_alert_kind(alert_kind_name(kind)) == kind);
  CHECK_FALSE(parse_alert_kind("impersonation"));
  CHECK(alert_kind_name(AlertKind::NoData) == "NO_DATA");
  CHECK(format_evidence_ids({3, 14, 15}) == "3,14,15");
  CHECK(parse_evidence_ids("3,14,15") == std::vector<std::int64_t>{3, 14, 15});
  CHECK(parse_evidence_ids("").empty());
  CHECK(parse_evidence_ids("7,x,-2,,8") == std::vector<std::int64_t>{7, 8});
}
