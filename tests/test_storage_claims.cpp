/// The claim life cycle (claim, peek, release, reclaim, commit) run the same
/// way against SQLite, MariaDB and the in-memory fake.
#include <catch2/catch.hpp>
#include <limits>

#include "support/storage_backend.hpp"

using namespace biosense;
using biosense::test::Backend;

namespace {

Decision stream_decision(std::int64_t id, ResultCode result, const std::string& lan_id = "NA\\agent") {
  Decision d;
  d.kind = ImageKind::Stream;
  d.id = id;
  d.lan_id = lan_id;
  d.result = result;
  d.num_faces = 1;
  d.distance = 0.31;
  d.accuracy = 93.5;
  d.benchmark_id = 7;
  d.model_version = "dlib-resnet-v1";
  d.detail = "one face, matched";
  d.started_at = std::chrono::system_clock::now();
  d.finished_at = d.started_at + std::chrono::milliseconds(250);
  return d;
}

std::vector<std::int64_t> ids_of(const std::vector<ImageRow>& rows) {
  std::vector<std::int64_t> ids;
  for (const auto& r : rows) ids.push_back(r.id);
  return ids;
}

}  // namespace

REPOSITORY_TEST("claims take the lowest pending ids up to max_id", "[claims]") {
  Repository& repo = backend.open();
  const auto decided = backend.add_row(ImageKind::Stream, "a", Status::Done);
  std::vector<std::int64_t> pending;
  for (int i = 0; i < 5; ++i) pending.push_back(backend.add_row(ImageKind::Stream, "a", Status::Pending));
  CHECK(repo.max_pending_id(ImageKind::Stream) == pending.back());
  CHECK(repo.max_pending_id(ImageKind::Train) == 0);

  const auto peeked = repo.peek_pending(ImageKind::Stream, 3, 0);
  CHECK(ids_of(peeked) == std::vector<std::int64_t>(pending.begin(), pending.begin() + 3));
  CHECK(ids_of(repo.peek_pending(ImageKind::Stream, 10, pending[3])) == std::vector<std::int64_t>{pending[4]});
  CHECK(backend.row(ImageKind::Stream, pending[0]).status == "N");  // peeking writes nothing

  const auto first = repo.claim(ImageKind::Stream, 2, pending[3], "host:1");
  CHECK(ids_of(first) == std::vector<std::int64_t>{pending[0], pending[1]});
  CHECK(first[0].attempts == 1);
  CHECK(first[0].lan_id == "a");
  CHECK(first[0].kind == ImageKind::Stream);
  const auto row = backend.row(ImageKind::Stream, pending[0]);
  CHECK(row.status == "P");
  CHECK(row.claimed_by == std::string("host:1"));
  CHECK(row.claimed_at);
  CHECK(row.attempts == 1);

  // max_id bounds the pass: the row inserted after it started is left alone.
  const auto second = repo.claim(ImageKind::Stream, 10, pending[3], "host:2");
  CHECK(ids_of(second) == std::vector<std::int64_t>{pending[2], pending[3]});
  CHECK(repo.claim(ImageKind::Stream, 10, pending[3], "host:2").empty());
  CHECK(repo.claim(ImageKind::Stream, 0, pending[4], "host:2").empty());
  CHECK(backend.row(ImageKind::Stream, decided).status == "Y");
  CHECK(repo.max_pending_id(ImageKind::Stream) == pending[4]);
}

REPOSITORY_TEST("release gives back only the worker's own claims", "[claims]") {
  Repository& repo = backend.open();
  const auto a = backend.add_row(ImageKind::Stream, "a", Status::Pending);
  const auto b = backend.add_row(ImageKind::Stream, "a", Status::Pending);
  repo.claim(ImageKind::Stream, 1, b, "host:1");
  repo.claim(ImageKind::Stream, 1, b, "host:2");
  repo.release(ImageKind::Stream, {a, b}, "host:1");
  CHECK(backend.row(ImageKind::Stream, a).status == "N");
  CHECK_FALSE(backend.row(ImageKind::Stream, a).claimed_by);
  CHECK(backend.row(ImageKind::Stream, b).status == "P");
  CHECK(backend.row(ImageKind::Stream, b).claimed_by == std::string("host:2"));
  // A released row is claimable again and counts a second attempt.
  const auto again = repo.claim(ImageKind::Stream, 5, b, "host:3");
  REQUIRE(again.size() == 1);
  CHECK(again[0].id == a);
  CHECK(again[0].attempts == 2);
}

REPOSITORY_TEST("reclaim takes back expired leases and claims of dead processes on this host", "[claims]") {
  Repository& repo = backend.open();
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(backend.add_row(ImageKind::Stream, "a", Status::Pending));
  repo.claim(ImageKind::Stream, 1, ids[0], "web1:100");     // old lease, live process
  repo.claim(ImageKind::Stream, 1, ids[1], "web1:200");     // fresh, dead process
  repo.claim(ImageKind::Stream, 1, ids[2], "web1:300:w2");  // fresh, live process
  repo.claim(ImageKind::Stream, 1, ids[3], "web2:200");     // fresh, other host (pid 200 means nothing here)
  const auto legacy = backend.add_row(ImageKind::Stream, "a", Status::Claimed);  // prototype's P, no owner
  backend.age_claim(ImageKind::Stream, ids[0], std::chrono::hours(2));

  std::vector<long> asked;
  const auto is_alive = [&](long pid) {
    asked.push_back(pid);
    return pid != 200;
  };
  const std::size_t taken = repo.reclaim_stale(ImageKind::Stream, std::chrono::minutes(10), "web1", is_alive);
  CHECK(taken == 3);
  CHECK(backend.row(ImageKind::Stream, ids[0]).status == "N");
  CHECK(backend.row(ImageKind::Stream, ids[1]).status == "N");
  CHECK_FALSE(backend.row(ImageKind::Stream, ids[1]).claimed_by);
  CHECK_FALSE(backend.row(ImageKind::Stream, ids[1]).claimed_at);
  CHECK(backend.row(ImageKind::Stream, ids[2]).status == "P");
  CHECK(backend.row(ImageKind::Stream, ids[3]).status == "P");
  CHECK(backend.row(ImageKind::Stream, legacy).status == "N");
  CHECK(backend.row(ImageKind::Stream, ids[0]).attempts == 1);  // the attempt still counts
  CHECK(std::find(asked.begin(), asked.end(), 200L) != asked.end());
  CHECK(repo.reclaim_stale(ImageKind::Stream, std::chrono::minutes(10), "web1", is_alive) == 0);
  CHECK(repo.reclaim_stale(ImageKind::Train, std::chrono::minutes(10), "web1", is_alive) == 0);
}

REPOSITORY_TEST("commit records verdicts for the worker's claims and audits every decision", "[claims][commit]") {
  Repository& repo = backend.open();
  const auto s1 = backend.add_row(ImageKind::Stream, "NA\\agent", Status::Pending);
  const auto s2 = backend.add_row(ImageKind::Stream, "NA\\agent", Status::Pending);
  const auto s3 = backend.add_row(ImageKind::Stream, "NA\\agent", Status::Pending);
  const auto t1 = backend.add_row(ImageKind::Train, "NA\\agent", Status::Pending);
  repo.claim(ImageKind::Stream, 2, s2, "host:1");
  repo.claim(ImageKind::Stream, 1, s3, "host:2");  // someone else's
  REQUIRE(repo.claim_train_image(t1, "host:1"));

  std::vector<Decision> decisions = {stream_decision(s1, ResultCode::Success),
                                     stream_decision(s2, ResultCode::NoTrainingImage),
                                     stream_decision(s3, ResultCode::UnknownPerson)};
  decisions[1].distance.reset();
  decisions[1].accuracy.reset();
  decisions[1].benchmark_id.reset();
  decisions[1].num_faces = 0;
  Decision train;
  train.kind = ImageKind::Train;
  train.id = t1;
  train.lan_id = "NA\\agent";
  train.result = ResultCode::Success;
  train.num_faces = 1;
  train.model_version = "dlib-resnet-v1";
  StoredEncoding enc;
  enc.train_img_id = t1;
  enc.model_version = "dlib-resnet-v1";
  enc.encoding.fill(0.125f);
  enc.box = FaceBox{10, 20, 110, 120};
  enc.quality = 42.5;
  enc.mirror_gap = 0.37;
  train.encoding = enc;
  decisions.push_back(train);

  CHECK(repo.commit_decisions(decisions, "host:1") == 3);
  const auto r1 = backend.row(ImageKind::Stream, s1);
  CHECK(r1.status == "Y");
  CHECK(r1.result == std::string("SUCCESS"));
  CHECK(r1.num_faces == 1);
  CHECK(r1.distance == Approx(0.31));
  CHECK(r1.accuracy == Approx(93.5));
  CHECK(r1.benchmark_id == 7);
  CHECK(r1.processed_time);
  CHECK_FALSE(r1.claimed_by);
  CHECK_FALSE(r1.claimed_at);
  const auto r2 = backend.row(ImageKind::Stream, s2);
  CHECK(r2.status == "F");
  CHECK(r2.result == std::string("NO_TRAINING_IMAGE"));
  CHECK_FALSE(r2.distance);
  CHECK_FALSE(r2.accuracy);
  CHECK_FALSE(r2.benchmark_id);
  // Not ours: untouched, but the attempt is in the audit trail, marked.
  const auto r3 = backend.row(ImageKind::Stream, s3);
  CHECK(r3.status == "P");
  CHECK(r3.claimed_by == std::string("host:2"));
  CHECK_FALSE(r3.result);
  const auto t = backend.row(ImageKind::Train, t1);
  CHECK(t.status == "Y");
  CHECK(t.result == std::string("SUCCESS"));
  CHECK(t.num_faces == 1);

  CHECK(backend.audit_count() == 4);
  CHECK(backend.audit_details(ImageKind::Stream, s1) == std::vector<std::string>{"one face, matched"});
  const auto skipped = backend.audit_details(ImageKind::Stream, s3);
  REQUIRE(skipped.size() == 1);
  CHECK_THAT(skipped[0], Catch::StartsWith("verdict not recorded"));

  const auto stored = repo.load_encoding(t1, "dlib-resnet-v1");
  REQUIRE(stored);
  CHECK(stored->encoding == enc.encoding);
  CHECK(stored->box.right == 110);
  CHECK(stored->quality == Approx(42.5));
  REQUIRE(stored->mirror_gap);
  CHECK(*stored->mirror_gap == Approx(0.37));

  // A second commit of the same decisions changes nothing: the claims are gone.
  CHECK(repo.commit_decisions(decisions, "host:1") == 0);
  CHECK(backend.row(ImageKind::Stream, s1).result == std::string("SUCCESS"));
  CHECK(repo.commit_decisions({}, "host:1") == 0);
}

REPOSITORY_TEST("a commit that fails midway changes nothing", "[claims][commit]") {
  Repository& repo = backend.open();
  const auto a = backend.add_row(ImageKind::Stream, "a", Status::Pending);
  const auto b = backend.add_row(ImageKind::Stream, "a", Status::Pending);
  repo.claim(ImageKind::Stream, 2, b, "host:1");
  backend.arm_commit_failure();
  auto doomed = stream_decision(b, ResultCode::UnknownPerson);
  doomed.detail = "boom";
  CHECK_THROWS_AS(repo.commit_decisions({stream_decision(a, ResultCode::Success), doomed}, "host:1"), StorageError);
  for (auto id : {a, b}) {
    const auto row = backend.row(ImageKind::Stream, id);
    CHECK(row.status == "P");
    CHECK(row.claimed_by == std::string("host:1"));
    CHECK_FALSE(row.result);
    CHECK_FALSE(row.processed_time);
  }
  CHECK(backend.audit_count() == 0);
  // The connection is still usable and the claims still ours.
  CHECK(repo.commit_decisions({stream_decision(a, ResultCode::Success)}, "host:1") == 1);
}

REPOSITORY_TEST("benchmarks: newest, newest approved, inline claim and load", "[claims][train]") {
  Repository& repo = backend.open();
  CHECK_FALSE(repo.newest_train_image("NA\\agent"));
  const auto old_ok = backend.add_row(ImageKind::Train, "NA\\agent", Status::Done);
  const auto failed = backend.add_row(ImageKind::Train, "NA\\agent", Status::Failed);
  backend.add_row(ImageKind::Train, "NA\\other", Status::Done);
  const auto newest = repo.newest_train_image("NA\\agent");
  REQUIRE(newest);
  CHECK(newest->id == failed);
  CHECK(newest->status == Status::Failed);
  CHECK(newest->lan_id == "NA\\agent");
  const auto approved = repo.newest_approved_train_image("NA\\agent");
  REQUIRE(approved);
  CHECK(approved->id == old_ok);
  CHECK(approved->status == Status::Done);
  CHECK_FALSE(repo.newest_approved_train_image("na\\agent"));  // lan_ids compare byte for byte

  const auto fresh = backend.add_row(ImageKind::Train, "NA\\agent", Status::Pending, Bytes{1, 2, 3});
  CHECK(repo.newest_train_image("NA\\agent")->status == Status::Pending);
  const auto claimed = repo.claim_train_image(fresh, "host:1");
  REQUIRE(claimed);
  CHECK(claimed->kind == ImageKind::Train);
  CHECK(claimed->image == Bytes{1, 2, 3});
  CHECK(claimed->attempts == 1);
  CHECK_FALSE(repo.claim_train_image(fresh, "host:2"));   // already claimed
  CHECK_FALSE(repo.claim_train_image(old_ok, "host:2"));  // decided
  CHECK_FALSE(repo.claim_train_image(999999, "host:2"));  // missing
  const auto loaded = repo.load_train_image(old_ok);
  REQUIRE(loaded);
  CHECK(loaded->id == old_ok);
  CHECK_FALSE(repo.load_train_image(999999));
}

REPOSITORY_TEST("encodings: save, load, overwrite, per model version, with or without a mirror gap",
                "[claims][train]") {
  Repository& repo = backend.open();
  StoredEncoding e;
  e.train_img_id = 12;
  e.model_version = "v1";
  for (std::size_t i = 0; i < e.encoding.size(); ++i) e.encoding[i] = static_cast<float>(i) / 100.0f - 0.5f;
  e.box = FaceBox{-5, 3, 200, 260};
  e.quality = 0.75;
  CHECK_FALSE(repo.load_encoding(12, "v1"));
  repo.save_encoding(e);
  auto loaded = repo.load_encoding(12, "v1");
  REQUIRE(loaded);
  CHECK(loaded->encoding == e.encoding);
  CHECK(loaded->box.left == -5);
  CHECK(loaded->box.bottom == 260);
  CHECK(loaded->train_img_id == 12);
  CHECK(loaded->model_version == "v1");
  CHECK_FALSE(loaded->mirror_gap);  // not measured: NULL, not 0
  CHECK_FALSE(repo.load_encoding(12, "v2"));
  e.encoding.fill(1.0f);
  e.quality = 0.5;
  e.mirror_gap = 0.4125;
  repo.save_encoding(e);
  loaded = repo.load_encoding(12, "v1");
  REQUIRE(loaded);
  CHECK(loaded->encoding[0] == 1.0f);
  CHECK(loaded->quality == Approx(0.5));
  REQUIRE(loaded->mirror_gap);
  CHECK(*loaded->mirror_gap == Approx(0.4125));
  e.mirror_gap.reset();  // overwritten by an encoding made without mirroring
  repo.save_encoding(e);
  CHECK_FALSE(repo.load_encoding(12, "v1")->mirror_gap);
}

REPOSITORY_TEST("reprocess selects decided stream rows by filter and resets them", "[claims][reprocess]") {
  Repository& repo = backend.open();
  const auto a = backend.add_row(ImageKind::Stream, "NA\\one", Status::Pending);
  const auto b = backend.add_row(ImageKind::Stream, "NA\\one", Status::Pending);
  const auto c = backend.add_row(ImageKind::Stream, "NA\\two", Status::Pending);
  const auto pending = backend.add_row(ImageKind::Stream, "NA\\one", Status::Pending);
  repo.claim(ImageKind::Stream, 3, c, "host:1");
  repo.commit_decisions(
      {stream_decision(a, ResultCode::Success, "NA\\one"), stream_decision(b, ResultCode::UnknownPerson, "NA\\one"),
       stream_decision(c, ResultCode::InvalidImage, "NA\\two")},
      "host:1");

  CHECK(repo.select_for_reprocess({}) == std::vector<std::int64_t>{a, b, c});
  ReprocessFilter by_lan;
  by_lan.lan_id = "NA\\one";
  CHECK(repo.select_for_reprocess(by_lan) == std::vector<std::int64_t>{a, b});
  ReprocessFilter by_result;
  by_result.result = ResultCode::InvalidImage;
  CHECK(repo.select_for_reprocess(by_result) == std::vector<std::int64_t>{c});
  ReprocessFilter by_ids;
  by_ids.ids = {c, pending, a, 424242};
  CHECK(repo.select_for_reprocess(by_ids) == std::vector<std::int64_t>{a, c});
  ReprocessFilter since;
  since.since = "2024-01-01";
  CHECK(repo.select_for_reprocess(since).size() == 3);
  since.since = "2024-01-01 00:00:01";
  CHECK(repo.select_for_reprocess(since).empty());
  ReprocessFilter combined;
  combined.lan_id = "NA\\one";
  combined.result = ResultCode::UnknownPerson;
  CHECK(repo.select_for_reprocess(combined) == std::vector<std::int64_t>{b});

  CHECK(repo.reset_to_pending(ImageKind::Stream, {a, c, pending}) == 2);
  CHECK(backend.row(ImageKind::Stream, a).status == "N");
  CHECK(backend.row(ImageKind::Stream, c).status == "N");
  CHECK(backend.row(ImageKind::Stream, b).status == "Y");
  CHECK(repo.reset_to_pending(ImageKind::Stream, {}) == 0);
  CHECK(repo.max_pending_id(ImageKind::Stream) == pending);
}

REPOSITORY_TEST("decided snapshots with a face verdict and a photo are paged newest first", "[claims][calibrate]") {
  Repository& repo = backend.open();
  const auto a = backend.add_row(ImageKind::Stream, "NA\\one", Status::Pending, Bytes{1, 2, 3});
  const auto b = backend.add_row(ImageKind::Stream, "NA\\two", Status::Pending, Bytes{4, 5});
  const auto invalid = backend.add_row(ImageKind::Stream, "NA\\one", Status::Pending, Bytes{6});
  const auto faceless = backend.add_row(ImageKind::Stream, "NA\\one", Status::Pending, Bytes{7});
  const auto no_photo = backend.add_row(ImageKind::Stream, "NA\\one", Status::Pending, std::nullopt);
  const auto c = backend.add_row(ImageKind::Stream, "NA\\one", Status::Pending, Bytes{8});
  const auto pending = backend.add_row(ImageKind::Stream, "NA\\two", Status::Pending, Bytes{9});
  repo.claim(ImageKind::Stream, 6, c, "host:1");
  repo.commit_decisions(
      {stream_decision(a, ResultCode::Success, "NA\\one"), stream_decision(b, ResultCode::UnknownPerson, "NA\\two"),
       stream_decision(invalid, ResultCode::InvalidImage, "NA\\one"),
       stream_decision(faceless, ResultCode::NoFacesFound, "NA\\one"),
       stream_decision(no_photo, ResultCode::Success, "NA\\one"),
       stream_decision(c, ResultCode::UnknownMultipleFaces, "NA\\one")},
      "host:1");
  auto ids = [](const std::vector<ImageRow>& rows) {
    std::vector<std::int64_t> out;
    for (const auto& r : rows) out.push_back(r.id);
    return out;
  };
  constexpr auto kAll = std::numeric_limits<std::int64_t>::max();
  const auto rows = repo.decided_snapshots(kAll, 10);
  CHECK(ids(rows) == std::vector<std::int64_t>{c, b, a});  // no INVALID_IMAGE, NO_FACES_FOUND, NULL photo or N row
  REQUIRE(rows.size() == 3);
  CHECK(rows[1].lan_id == "NA\\two");
  CHECK(rows[1].image == Bytes{4, 5});
  CHECK(ids(repo.decided_snapshots(kAll, 1)) == std::vector<std::int64_t>{c});
  CHECK(ids(repo.decided_snapshots(c, 1)) == std::vector<std::int64_t>{b});
  CHECK(ids(repo.decided_snapshots(b, 10)) == std::vector<std::int64_t>{a});
  CHECK(repo.decided_snapshots(a, 10).empty());
  CHECK(repo.decided_snapshots(kAll, 0).empty());
  CHECK(backend.row(ImageKind::Stream, pending).status == "N");
}

REPOSITORY_TEST("insert_image adds pending rows with increasing ids", "[claims][insert]") {
  Repository& repo = backend.open();
  const auto first = repo.insert_image(ImageKind::Stream, "NA\\agent", Bytes{9, 8, 7}, "2024-03-04 05:06:07");
  const auto second = repo.insert_image(ImageKind::Stream, "NA\\agent", Bytes{}, "");
  const auto train = repo.insert_image(ImageKind::Train, "NA\\agent", Bytes{1}, "2024-03-04 05:06:07");
  CHECK(second > first);
  CHECK(train >= 1);
  const auto rows = repo.peek_pending(ImageKind::Stream, 10, 0);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].capture_time == "2024-03-04 05:06:07");
  CHECK(rows[0].image == Bytes{9, 8, 7});
  CHECK(rows[0].attempts == 0);
  CHECK(rows[1].capture_time.size() == 19);  // the database clock, "YYYY-MM-DD HH:MM:SS"
  REQUIRE(rows[1].image);
  CHECK(rows[1].image->empty());  // empty stays empty, not NULL
  CHECK(backend.row(ImageKind::Train, train).status == "N");
}
