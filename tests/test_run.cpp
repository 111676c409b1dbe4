/// `biosense run` end to end: the real binary, the real engine and real
/// photos, over real SQLite files and a real MariaDB database.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "support/storage_backend.hpp"
#include "support/test_support.hpp"

using namespace biosense;
using biosense::test::data_file;
using biosense::test::read_bytes;
using biosense::test::run_biosense;

namespace {

std::unique_ptr<biosense::test::SqlBackend> backend(bool mariadb) {
  auto b = mariadb ? biosense::test::make_mariadb_backend() : biosense::test::make_sqlite_backend();
  REQUIRE(b);
  b->migrate();
  return b;
}

Bytes misc(const char* name) { return read_bytes(data_file(std::string("misc/face_recognition/") + name)); }

/// `count` distinct LFW photos of people other than the agent (enough work
/// for a pass to take several seconds).
std::vector<Bytes> lfw_photos(std::size_t count) {
  std::vector<Bytes> photos;
  for (const auto& person : std::filesystem::directory_iterator(data_file("lfw-view1/images"))) {
    for (const auto& file : std::filesystem::directory_iterator(person.path())) {
      photos.push_back(read_bytes(file.path()));
      break;
    }
    if (photos.size() == count) break;
  }
  REQUIRE(photos.size() == count);
  return photos;
}

std::size_t count_status(biosense::test::SqlBackend& b, ImageKind kind, const std::vector<std::int64_t>& ids,
                         std::initializer_list<const char*> statuses) {
  std::size_t n = 0;
  for (auto id : ids) {
    const auto s = b.row(kind, id).status;
    for (const char* wanted : statuses) n += s == wanted;
  }
  return n;
}

std::size_t decided(biosense::test::SqlBackend& b, ImageKind kind, const std::vector<std::int64_t>& ids) {
  return count_status(b, kind, ids, {"Y", "F"});
}

}  // namespace

TEST_CASE("a pass decides every result code over SQLite and MariaDB", "[run][slow]") {
  const bool mariadb = GENERATE(false, true);
  auto b = backend(mariadb);
  INFO(b->name());
  biosense::test::TempDir data;
  b->add_row(ImageKind::Train, "NA\\nvep5898", Status::Pending, misc("obama.jpg"));
  b->add_row(ImageKind::Train, "na\\rgupta", Status::Pending, misc("two_people.jpg"));  // two faces: fails
  const auto success = b->add_row(ImageKind::Stream, "NA\\nvep5898", Status::Pending, misc("obama2.jpg"));
  const auto multi = b->add_row(ImageKind::Stream, "NA\\nvep5898", Status::Pending, misc("two_people.jpg"));
  const auto unknown = b->add_row(ImageKind::Stream, "NA\\nvep5898", Status::Pending, misc("biden.jpg"));
  const auto unknown_multi = b->add_row(ImageKind::Stream, "NA\\nvep5898", Status::Pending, misc("kit_with_rose.jpg"));
  const auto no_face =
      b->add_row(ImageKind::Stream, "NA\\nvep5898", Status::Pending, biosense::test::flat_png(320, 240, 9, 9, 9));
  const auto truncated_bytes = misc("obama3.jpg");
  const auto truncated = b->add_row(ImageKind::Stream, "NA\\nvep5898", Status::Pending,
                                    Bytes(truncated_bytes.begin(), truncated_bytes.begin() + 5000));
  const auto null_image = b->add_row(ImageKind::Stream, "NA\\nvep5898", Status::Pending, std::nullopt);
  const auto no_training = b->add_row(ImageKind::Stream, "../../etc", Status::Pending, misc("obama3.jpg"));
  const auto training_failed = b->add_row(ImageKind::Stream, "na\\rgupta", Status::Pending, misc("obama3.jpg"));

  const auto r = run_biosense(
      {"--db", b->url(), "run", "--threads", "2", "--batch-size", "3", "--data-dir", data.path().string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(b->row(ImageKind::Stream, success).result == std::optional<std::string>("SUCCESS"));
  CHECK(b->row(ImageKind::Stream, multi).result == std::optional<std::string>("SUCCESS_MULTIPLE_FACES"));
  CHECK(b->row(ImageKind::Stream, unknown).result == std::optional<std::string>("UNKNOWN_PERSON"));
  CHECK(b->row(ImageKind::Stream, unknown_multi).result == std::optional<std::string>("UNKNOWN_MULTIPLE_FACES"));
  CHECK(b->row(ImageKind::Stream, no_face).result == std::optional<std::string>("NO_FACES_FOUND"));
  CHECK(b->row(ImageKind::Stream, truncated).result == std::optional<std::string>("INVALID_IMAGE"));
  CHECK(b->row(ImageKind::Stream, null_image).result == std::optional<std::string>("INVALID_IMAGE"));
  CHECK(b->row(ImageKind::Stream, no_training).result == std::optional<std::string>("NO_TRAINING_IMAGE"));
  CHECK(b->row(ImageKind::Stream, training_failed).result == std::optional<std::string>("TRAINING_IMAGE_FAILED"));
  const auto ok = b->row(ImageKind::Stream, success);
  CHECK(ok.status == "Y");
  CHECK(ok.num_faces == std::optional<int>(1));
  REQUIRE(ok.distance);
  CHECK(*ok.distance < 0.6);
  REQUIRE(ok.accuracy);
  CHECK(*ok.accuracy > 90.0);
  CHECK(ok.benchmark_id == std::optional<std::int64_t>(1));
  CHECK_FALSE(ok.claimed_by);
  CHECK(b->row(ImageKind::Stream, truncated).status == "F");
  CHECK(b->audit_count() == 9 + 2);  // 9 snapshots + 2 enrolment photos
  CHECK_THAT(r.err, Catch::Contains("pass stream: 9 decided"));
  CHECK(std::filesystem::is_empty(data.path()));  // staged files deleted
}

TEST_CASE("--dry-run prints the decisions and leaves the SQLite file byte-identical", "[run][slow]") {
  // A database at rest, made the way an operator would: migrate, import.
  biosense::test::TempDir dir, data;
  const std::string file = (dir / "biosense.db").string(), url = "sqlite:" + file;
  const auto photos = data_file("misc/face_recognition");
  REQUIRE(run_biosense({"--db", url, "db", "migrate"}).exit_code == 0);
  REQUIRE(
      run_biosense({"--db", url, "import", "--lan-id", "a", "--train", (photos / "obama.jpg").string()}).exit_code ==
      0);
  REQUIRE(run_biosense({"--db", url, "import", "--lan-id", "a", "--stream", (photos / "obama2.jpg").string(),
                        (photos / "biden.jpg").string()})
              .exit_code == 0);
  REQUIRE_FALSE(std::filesystem::exists(file + "-wal"));
  const Bytes before = read_bytes(file);

  const auto r = run_biosense({"--db", url, "run", "--dry-run", "--data-dir", data.path().string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("would set train_img 1") && Catch::Contains("status=Y result=SUCCESS"));
  CHECK_THAT(r.out, Catch::Contains("would set stream_img 1") && Catch::Contains("result=SUCCESS faces=1"));
  CHECK_THAT(r.out, Catch::Contains("would set stream_img 2") && Catch::Contains("result=UNKNOWN_PERSON"));
  const bool identical = read_bytes(file) == before;
  CHECK(identical);
  CHECK_FALSE(std::filesystem::exists(file + "-wal"));
  CHECK(std::filesystem::is_empty(data.path()));
}

TEST_CASE("kill -9 mid-pass, then a new pass: every row decided exactly once", "[run][slow]") {
  auto b = backend(false);
  biosense::test::TempDir data, logs;
  b->add_row(ImageKind::Train, "a", Status::Pending, misc("obama.jpg"));
  std::vector<std::int64_t> ids;
  for (const auto& photo : lfw_photos(30)) ids.push_back(b->add_row(ImageKind::Stream, "a", Status::Pending, photo));
  const std::vector<std::string> args{
      "--db", b->url(), "run", "--batch-size", "4", "--data-dir", data.path().string(), "--keep-files"};
  const int pid = biosense::test::spawn_biosense(args, logs.path());
  // Kill it once some chunks are committed and another is claimed, mid-work.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while ((decided(*b, ImageKind::Stream, ids) < 8 || count_status(*b, ImageKind::Stream, ids, {"P"}) == 0) &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  kill(pid, SIGKILL);
  CHECK(biosense::test::wait_biosense(pid) == 128 + SIGKILL);
  const std::size_t before = decided(*b, ImageKind::Stream, ids);
  const std::size_t claimed = count_status(*b, ImageKind::Stream, ids, {"P"});
  INFO("decided before the kill: " << before << ", claimed: " << claimed);
  REQUIRE(claimed > 0);
  REQUIRE(before >= 8);
  REQUIRE(before < ids.size());

  // The dead process's claims are taken back at once (same host, pid gone).
  const auto r = run_biosense({"--db", b->url(), "run", "--data-dir", data.path().string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(decided(*b, ImageKind::Stream, ids) == ids.size());
  for (auto id : ids) {
    CHECK(b->audit_details(ImageKind::Stream, id).size() == 1);  // decided exactly once
    CHECK_FALSE(b->row(ImageKind::Stream, id).claimed_by);
  }
  CHECK_THAT(r.err, Catch::Contains("reclaimed="));
  // Files the killed pass kept (--keep-files) are younger than the lease and
  // stay for now; the next pass after the lease sweeps them.
}

TEST_CASE("two passes at once on MariaDB never decide a row twice", "[run][slow][mariadb]") {
  auto b = backend(true);
  biosense::test::TempDir data, logs_a, logs_b;
  b->add_row(ImageKind::Train, "a", Status::Done, misc("obama.jpg"));  // approved, not yet encoded
  std::vector<std::int64_t> ids;
  for (const auto& photo : lfw_photos(24)) ids.push_back(b->add_row(ImageKind::Stream, "a", Status::Pending, photo));
  const std::vector<std::string> args{
      "--db", b->url(), "run", "--mode", "stream", "--batch-size", "2", "--data-dir", data.path().string()};
  const int first = biosense::test::spawn_biosense(args, logs_a.path());
  const int second = biosense::test::spawn_biosense(args, logs_b.path());
  CHECK(biosense::test::wait_biosense(first) == 0);
  CHECK(biosense::test::wait_biosense(second) == 0);
  CHECK(decided(*b, ImageKind::Stream, ids) == ids.size());
  for (auto id : ids) {
    CHECK(b->audit_details(ImageKind::Stream, id).size() == 1);
    CHECK(b->row(ImageKind::Stream, id).attempts == 1);
  }
}
