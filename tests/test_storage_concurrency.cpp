/// Concurrent claimers: two connections in two threads never get the same
/// row; MariaDB skips rows another transaction holds; SQLite waits for the
/// write lock instead of failing.
#include <soci/soci.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <exception>
#include <future>
#include <set>
#include <thread>

#include "storage/connection.hpp"
#include "support/storage_backend.hpp"

using namespace biosense;
using biosense::test::SqlBackend;

namespace {

/// Claims chunks until none are left, committing each chunk as it goes.
/// Runs on its own thread with its own connection; no Catch macros here.
std::vector<std::int64_t> drain(Repository& repo, std::int64_t max_id, const std::string& worker,
                                std::shared_future<void> go) {
  go.wait();  // both claimers start together
  std::vector<std::int64_t> got;
  for (;;) {
    const auto rows = repo.claim(ImageKind::Stream, 7, max_id, worker);
    if (rows.empty()) return got;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // "processing": lets the claimers interleave
    std::vector<Decision> decisions;
    for (const auto& row : rows) {
      got.push_back(row.id);
      Decision d;
      d.kind = ImageKind::Stream;
      d.id = row.id;
      d.lan_id = row.lan_id;
      d.result = ResultCode::NoFacesFound;
      d.detail = worker;
      decisions.push_back(d);
    }
    if (repo.commit_decisions(decisions, worker) != rows.size()) throw std::runtime_error("lost a claimed row");
  }
}

}  // namespace

SQL_BACKEND_TEST("two claimers on two connections never get the same row", "[concurrency]") {
  backend.migrate();
  Repository& seed = backend.open();
  constexpr int kRows = 240;
  for (int i = 0; i < kRows; ++i)
    seed.insert_image(ImageKind::Stream, "agent" + std::to_string(i % 5), Bytes{static_cast<std::uint8_t>(i)}, "");
  const std::int64_t max_id = seed.max_pending_id(ImageKind::Stream);
  Repository& first = backend.open();  // opened here: Backend itself is not thread-safe
  Repository& second = backend.open();

  std::promise<void> start;
  const std::shared_future<void> go = start.get_future().share();
  auto a = std::async(std::launch::async, [&] { return drain(first, max_id, "host:1", go); });
  auto b = std::async(std::launch::async, [&] { return drain(second, max_id, "host:2", go); });
  start.set_value();
  const auto got_a = a.get();
  const auto got_b = b.get();

  std::set<std::int64_t> all(got_a.begin(), got_a.end());
  for (auto id : got_b) CHECK(all.insert(id).second);  // no row claimed twice
  CHECK(all.size() == static_cast<std::size_t>(kRows));
  CHECK(got_a.size() + got_b.size() == static_cast<std::size_t>(kRows));
  INFO("split " << got_a.size() << " / " << got_b.size());
  CHECK_FALSE(got_a.empty());  // they really ran side by side
  CHECK_FALSE(got_b.empty());
  CHECK(seed.max_pending_id(ImageKind::Stream) == 0);
  for (auto id : {std::int64_t{1}, max_id}) {
    const auto row = backend.row(ImageKind::Stream, id);
    CHECK(row.status == "Y");
    CHECK(row.attempts == 1);
  }
  CHECK(backend.audit_count() == static_cast<std::size_t>(kRows));
}

TEST_CASE("MariaDB claims skip rows another transaction has locked", "[storage][mariadb][concurrency]") {
  auto backend = test::make_mariadb_backend();
  if (!backend) return;
  backend->migrate();
  Repository& repo = backend->open();
  for (int i = 0; i < 6; ++i) repo.insert_image(ImageKind::Stream, "a", Bytes{1}, "");
  auto& other = backend->raw().sql();
  other << "START TRANSACTION";
  std::vector<long long> locked(10);
  other << "SELECT id FROM stream_img WHERE id <= 3 ORDER BY id FOR UPDATE", soci::into(locked);
  REQUIRE(locked.size() == 3);

  const auto start = std::chrono::steady_clock::now();
  const auto rows = repo.claim(ImageKind::Stream, 10, 6, "host:2");
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited < std::chrono::seconds(5));  // skipped, not waited for
  std::vector<std::int64_t> ids;
  for (const auto& r : rows) ids.push_back(r.id);
  CHECK(ids == std::vector<std::int64_t>{4, 5, 6});
  other << "ROLLBACK";

  const auto rest = repo.claim(ImageKind::Stream, 10, 6, "host:2");
  REQUIRE(rest.size() == 3);
  CHECK(rest.front().id == 1);
}

TEST_CASE("SQLite claims wait for another writer instead of failing", "[storage][sqlite][concurrency]") {
  auto backend = test::make_sqlite_backend();
  backend->migrate();
  Repository& seed = backend->open();
  seed.insert_image(ImageKind::Stream, "a", Bytes{1}, "");
  Repository& claimer = backend->open();
  auto& other = backend->raw().sql();
  other << "BEGIN IMMEDIATE";  // holds the write lock
  auto claim = std::async(std::launch::async, [&] { return claimer.claim(ImageKind::Stream, 5, 1, "host:3"); });
  CHECK(claim.wait_for(std::chrono::milliseconds(500)) == std::future_status::timeout);
  other << "COMMIT";
  REQUIRE(claim.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  CHECK(claim.get().size() == 1);
}
