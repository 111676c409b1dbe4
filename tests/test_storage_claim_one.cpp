/// claim_one and pending_ids (the queue consumers' storage calls), the same
/// on SQLite, MariaDB and the in-memory fake; and claim_one racing a pass's
/// chunk claims on two real connections.
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <set>
#include <thread>

#include "support/storage_backend.hpp"

using namespace biosense;
using biosense::test::Backend;
using biosense::test::SqlBackend;

REPOSITORY_TEST("claim_one claims a pending row and says why it cannot claim the others", "[claims][claim-one]") {
  Repository& repo = backend.open();
  const Bytes photo{1, 0, 2, 255};
  const auto pending = backend.add_row(ImageKind::Stream, "NA\\agent", Status::Pending, photo);
  const auto done = backend.add_row(ImageKind::Stream, "NA\\agent", Status::Done);
  const auto legacy_claim = backend.add_row(ImageKind::Stream, "NA\\agent", Status::Claimed);  // no claimed_by
  const auto train = backend.add_row(ImageKind::Train, "NA\\agent", Status::Pending);

  const auto c = repo.claim_one(ImageKind::Stream, pending, "host:1/c1");
  REQUIRE(c.outcome == SingleClaim::Outcome::Claimed);
  REQUIRE(c.row);
  CHECK(c.row->id == pending);
  CHECK(c.row->lan_id == "NA\\agent");
  CHECK(c.row->image == std::optional<Bytes>(photo));
  CHECK(c.row->attempts == 1);
  auto row = backend.row(ImageKind::Stream, pending);
  CHECK(row.status == "P");
  CHECK(row.claimed_by == std::optional<std::string>("host:1/c1"));
  CHECK(row.claimed_at);

  // Another worker: busy, with the holder named; nothing changes.
  const auto busy = repo.claim_one(ImageKind::Stream, pending, "host:2/c1");
  CHECK(busy.outcome == SingleClaim::Outcome::Busy);
  CHECK(busy.holder == "host:1/c1");
  CHECK_FALSE(busy.row);
  CHECK(backend.row(ImageKind::Stream, pending).attempts == 1);
  // The same worker again (its own failed attempt left the claim): claimed again.
  const auto again = repo.claim_one(ImageKind::Stream, pending, "host:1/c1");
  CHECK(again.outcome == SingleClaim::Outcome::Claimed);
  CHECK(backend.row(ImageKind::Stream, pending).attempts == 2);

  const auto decided = repo.claim_one(ImageKind::Stream, done, "host:1/c1");
  CHECK(decided.outcome == SingleClaim::Outcome::Decided);
  CHECK(decided.status == Status::Done);
  CHECK(backend.row(ImageKind::Stream, done).status == "Y");
  const auto legacy = repo.claim_one(ImageKind::Stream, legacy_claim, "host:1/c1");
  CHECK(legacy.outcome == SingleClaim::Outcome::Busy);
  CHECK(legacy.holder.empty());
  CHECK(repo.claim_one(ImageKind::Stream, 999999, "host:1/c1").outcome == SingleClaim::Outcome::Missing);
  // The id space is per table: train row `train` is not a stream row.
  CHECK(repo.claim_one(ImageKind::Train, train, "host:1/c1").outcome == SingleClaim::Outcome::Claimed);
  CHECK(backend.row(ImageKind::Train, train).status == "P");
}

REPOSITORY_TEST("pending_ids lists N rows after an id, in order, without photos", "[claims][claim-one]") {
  Repository& repo = backend.open();
  std::vector<std::int64_t> pending;
  for (int i = 0; i < 5; ++i) {
    pending.push_back(backend.add_row(ImageKind::Stream, "a", Status::Pending));
    backend.add_row(ImageKind::Stream, "a", i % 2 ? Status::Done : Status::Claimed);
  }
  CHECK(repo.pending_ids(ImageKind::Stream, 0, 100) == pending);
  CHECK(repo.pending_ids(ImageKind::Stream, 0, 2) == std::vector<std::int64_t>(pending.begin(), pending.begin() + 2));
  CHECK(repo.pending_ids(ImageKind::Stream, pending[2], 100) ==
        std::vector<std::int64_t>(pending.begin() + 3, pending.end()));
  CHECK(repo.pending_ids(ImageKind::Train, 0, 100).empty());
  CHECK(repo.pending_ids(ImageKind::Stream, 0, 0).empty());
}

SQL_BACKEND_TEST("claim_one beside a pass's chunk claims: no row goes to both", "[concurrency][claim-one]") {
  backend.migrate();
  Repository& seed = backend.open();
  constexpr int kRows = 120;
  std::vector<std::int64_t> ids;
  for (int i = 0; i < kRows; ++i)
    ids.push_back(seed.insert_image(ImageKind::Stream, "a", Bytes{static_cast<std::uint8_t>(i)}, ""));
  const std::int64_t max_id = seed.max_pending_id(ImageKind::Stream);
  Repository& pass = backend.open();
  Repository& consumer = backend.open();
  std::promise<void> start;
  std::shared_future<void> go = start.get_future().share();
  // The pass claims chunks from the lowest id; the consumer claims every id
  // one by one from the highest, so they meet in the middle.
  auto by_pass = std::async(std::launch::async, [&] {
    go.wait();
    std::vector<std::int64_t> got;
    for (;;) {
      const auto rows = pass.claim(ImageKind::Stream, 5, max_id, "host:1");
      if (rows.empty()) return got;
      for (const auto& r : rows) got.push_back(r.id);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // "processing": lets the claimers interleave
    }
  });
  auto by_consumer = std::async(std::launch::async, [&] {
    go.wait();
    std::vector<std::int64_t> got;
    for (auto it = ids.rbegin(); it != ids.rend(); ++it)
      if (consumer.claim_one(ImageKind::Stream, *it, "host:2/c1").outcome == SingleClaim::Outcome::Claimed) {
        got.push_back(*it);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    return got;
  });
  start.set_value();
  const auto a = by_pass.get();
  const auto b = by_consumer.get();
  std::set<std::int64_t> all(a.begin(), a.end());
  for (auto id : b) CHECK(all.insert(id).second);  // never claimed by both
  CHECK(all.size() == static_cast<std::size_t>(kRows));
  CHECK_FALSE(a.empty());
  CHECK_FALSE(b.empty());
  for (auto id : ids) CHECK(backend.row(ImageKind::Stream, id).attempts == 1);
}
