/// `biosense run` end to end: the real binary, the real engine and real
/// photos, over real SQLite files and a real MariaDB database.
#include <signal.h>
#include <unistd.h>

#include <soci/soci.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "biosense/engine/detector.hpp"
#include "storage/connection.hpp"
#include "support/pass_support.hpp"
#include "support/storage_backend.hpp"
#include "support/test_support.hpp"

using namespace biosense;
using biosense::test::count_status;
using biosense::test::data_file;
using biosense::test::decided;
using biosense::test::lfw_photos;
using biosense::test::migrated_backend;
using biosense::test::misc_photo;
using biosense::test::read_bytes;
using biosense::test::run_biosense;

TEST_CASE("a pass decides every result code over SQLite and MariaDB", "[run][slow]") {
  const bool mariadb = GENERATE(false, true);
  auto b = migrated_backend(mariadb);
  INFO(b->name());
  biosense::test::TempDir data;
  b->add_row(ImageKind::Train, "NA\\nvep5898", Status::Pending, misc_photo("obama.jpg"));
  b->add_row(ImageKind::Train, "na\\rgupta", Status::Pending, misc_photo("two_people.jpg"));  // two faces: fails
  const auto success = b->add_row(ImageKind::Stream, "NA\\nvep5898", Status::Pending, misc_photo("obama2.jpg"));
  const auto multi = b->add_row(ImageKind::Stream, "NA\\nvep5898", Status::Pending, misc_photo("two_people.jpg"));
  const auto unknown = b->add_row(ImageKind::Stream, "NA\\nvep5898", Status::Pending, misc_photo("biden.jpg"));
  const auto unknown_multi =
      b->add_row(ImageKind::Stream, "NA\\nvep5898", Status::Pending, misc_photo("kit_with_rose.jpg"));
  const auto no_face =
      b->add_row(ImageKind::Stream, "NA\\nvep5898", Status::Pending, biosense::test::flat_png(320, 240, 9, 9, 9));
  const auto truncated_bytes = misc_photo("obama3.jpg");
  const auto truncated = b->add_row(ImageKind::Stream, "NA\\nvep5898", Status::Pending,
                                    Bytes(truncated_bytes.begin(), truncated_bytes.begin() + 5000));
  const auto null_image = b->add_row(ImageKind::Stream, "NA\\nvep5898", Status::Pending, std::nullopt);
  const auto no_training = b->add_row(ImageKind::Stream, "../../etc", Status::Pending, misc_photo("obama3.jpg"));
  const auto training_failed = b->add_row(ImageKind::Stream, "na\\rgupta", Status::Pending, misc_photo("obama3.jpg"));

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
  // The benchmark's encoding is kept with its face's mirror gap (the pass
  // mirrors by default), which the confidence of every snapshot reads.
  long long with_gap = 0;
  b->raw().sql() << "SELECT COUNT(*) FROM face_encoding WHERE mirror_gap > 0", soci::into(with_gap);
  CHECK(with_gap == 1);
  CHECK_THAT(r.err, Catch::Contains("pass stream: 9 decided"));
  CHECK(std::filesystem::is_empty(data.path()));  // staged files deleted
}

TEST_CASE("a dry-run prints the decisions and leaves the SQLite file byte-identical", "[run][slow]") {
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
  auto b = migrated_backend(false);
  biosense::test::TempDir data, logs;
  b->add_row(ImageKind::Train, "a", Status::Pending, misc_photo("obama.jpg"));
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
  auto b = migrated_backend(true);
  biosense::test::TempDir data, logs_a, logs_b;
  b->add_row(ImageKind::Train, "a", Status::Done, misc_photo("obama.jpg"));  // approved, not yet encoded
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

TEST_CASE("every kind of bad BLOB becomes INVALID_IMAGE and the chunk goes on", "[run][slow]") {
  auto b = migrated_backend(false);
  biosense::test::TempDir data;
  b->add_row(ImageKind::Train, "a", Status::Done, misc_photo("obama.jpg"));
  const Bytes jpeg = misc_photo("obama2.jpg");
  const std::string text = "SELECT * FROM stream_img; -- not a photo";
  Bytes bomb = {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0xEA, 0x60, 0xEA, 0x60, 3,    1, 0x22, 0,    2,    0x11, 1,
                3,    0x11, 1,    0xFF, 0xDA, 0x00, 0x0C, 3,    1,    0x00, 2,    0x11, 3, 0x11, 0x00, 0x3F, 0x00};
  Bytes corrupt = jpeg;
  for (std::size_t i = 200; i < corrupt.size(); i += 7) corrupt[i] = static_cast<std::uint8_t>(corrupt[i] ^ 0x5A);
  std::vector<std::int64_t> bad = {
      b->add_row(ImageKind::Stream, "a", Status::Pending, std::nullopt),
      b->add_row(ImageKind::Stream, "a", Status::Pending, Bytes{}),
      b->add_row(ImageKind::Stream, "a", Status::Pending, Bytes(jpeg.begin(), jpeg.begin() + 3000)),
      b->add_row(ImageKind::Stream, "a", Status::Pending, Bytes(text.begin(), text.end())),
      b->add_row(ImageKind::Stream, "a", Status::Pending, bomb),
  };
  const auto corrupted = b->add_row(ImageKind::Stream, "a", Status::Pending, corrupt);
  const auto good = b->add_row(ImageKind::Stream, "a", Status::Pending, jpeg);
  const auto r = run_biosense({"--db", b->url(), "run", "--data-dir", data.path().string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  for (auto id : bad) {
    INFO("row " << id);
    CHECK(b->row(ImageKind::Stream, id).result == std::optional<std::string>("INVALID_IMAGE"));
    CHECK(b->row(ImageKind::Stream, id).status == "F");
  }
  // XOR-damaged JPEG data: libjpeg may still produce (garbled) pixels; either
  // way the row is decided and the pass goes on.
  CHECK(decided(*b, ImageKind::Stream, {corrupted}) == 1);
  CHECK(b->row(ImageKind::Stream, good).result == std::optional<std::string>("SUCCESS"));
  CHECK_THAT(b->audit_details(ImageKind::Stream, bad[4]).front(), Catch::Contains("pixel limit"));
}

TEST_CASE("reprocess decides NO_TRAINING_IMAGE rows again after the agent enrols", "[run][slow]") {
  auto b = migrated_backend(false);
  biosense::test::TempDir data;
  const auto row = b->add_row(ImageKind::Stream, "late", Status::Pending, misc_photo("obama2.jpg"));
  const auto other = b->add_row(ImageKind::Stream, "late", Status::Pending, misc_photo("biden.jpg"));
  REQUIRE(run_biosense({"--db", b->url(), "run", "--data-dir", data.path().string()}).exit_code == 0);
  REQUIRE(b->row(ImageKind::Stream, row).result == std::optional<std::string>("NO_TRAINING_IMAGE"));
  b->add_row(ImageKind::Train, "late", Status::Pending, misc_photo("obama.jpg"));

  const auto dry = run_biosense(
      {"--db", b->url(), "reprocess", "--result", "NO_TRAINING_IMAGE", "--ids", std::to_string(row), "--dry-run"});
  CHECK(dry.exit_code == 0);
  CHECK_THAT(dry.out, Catch::Contains("would reprocess stream_img " + std::to_string(row)));
  CHECK(b->row(ImageKind::Stream, row).result == std::optional<std::string>("NO_TRAINING_IMAGE"));

  const auto r = run_biosense({"--db", b->url(), "reprocess", "--lan-id", "late", "--data-dir", data.path().string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(b->row(ImageKind::Stream, row).result == std::optional<std::string>("SUCCESS"));
  CHECK(b->row(ImageKind::Stream, other).result == std::optional<std::string>("UNKNOWN_PERSON"));
  CHECK(b->audit_details(ImageKind::Stream, row).size() == 2);          // both decisions stay in the audit trail
  CHECK(run_biosense({"--db", b->url(), "reprocess"}).exit_code == 1);  // no filter: usage error
}

TEST_CASE("run --loop stops on SIGTERM after its chunk and exits 0", "[run][slow]") {
  auto b = migrated_backend(false);
  biosense::test::TempDir data, logs;
  b->add_row(ImageKind::Train, "a", Status::Pending, misc_photo("obama.jpg"));
  const auto first = b->add_row(ImageKind::Stream, "a", Status::Pending, misc_photo("obama2.jpg"));
  const int pid = biosense::test::spawn_biosense(
      {"--db", b->url(), "run", "--loop", "--interval", "1", "--data-dir", data.path().string()}, logs.path());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (decided(*b, ImageKind::Stream, {first}) == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  // A row that arrives while the loop runs is picked up by a later pass.
  const auto later = b->add_row(ImageKind::Stream, "a", Status::Pending, misc_photo("obama3.jpg"));
  while (decided(*b, ImageKind::Stream, {later}) == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  kill(pid, SIGTERM);
  CHECK(biosense::test::wait_biosense(pid) == 0);
  CHECK(b->row(ImageKind::Stream, later).result == std::optional<std::string>("SUCCESS"));
}

TEST_CASE("the database lost mid-pass: exit 2, nothing half-written, the next pass finishes", "[run][slow][mariadb]") {
  auto b = migrated_backend(true);
  biosense::test::TempDir data, logs;
  b->add_row(ImageKind::Train, "a", Status::Pending, misc_photo("obama.jpg"));
  std::vector<std::int64_t> ids;
  for (const auto& photo : lfw_photos(24)) ids.push_back(b->add_row(ImageKind::Stream, "a", Status::Pending, photo));
  const int pid = biosense::test::spawn_biosense(
      {"--db", b->url(), "run", "--batch-size", "4", "--data-dir", data.path().string()}, logs.path());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while ((decided(*b, ImageKind::Stream, ids) < 4 || count_status(*b, ImageKind::Stream, ids, {"P"}) == 0) &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  // Cut the pass's connection, as a database restart would.
  b->kill_other_connections();
  const int code = biosense::test::wait_biosense(pid);
  CHECK(code == 2);
  const std::size_t done = decided(*b, ImageKind::Stream, ids);
  const std::size_t claimed = count_status(*b, ImageKind::Stream, ids, {"P"});
  INFO("decided " << done << ", claimed " << claimed);
  CHECK(done % 4 == 0);  // whole chunks only
  CHECK(done + claimed + count_status(*b, ImageKind::Stream, ids, {"N"}) == ids.size());
  for (auto id : ids)
    CHECK(b->audit_details(ImageKind::Stream, id).size() == (decided(*b, ImageKind::Stream, {id}) ? 1u : 0u));

  const auto r = run_biosense({"--db", b->url(), "run", "--data-dir", data.path().string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(decided(*b, ImageKind::Stream, ids) == ids.size());
  for (auto id : ids) CHECK(b->audit_details(ImageKind::Stream, id).size() == 1);
}

TEST_CASE("SIGINT during a single pass: the chunk finishes, the rest stays pending, exit 130", "[run][slow]") {
  auto b = migrated_backend(false);
  biosense::test::TempDir data, logs;
  b->add_row(ImageKind::Train, "a", Status::Pending, misc_photo("obama.jpg"));
  std::vector<std::int64_t> ids;
  for (const auto& photo : lfw_photos(16)) ids.push_back(b->add_row(ImageKind::Stream, "a", Status::Pending, photo));
  const int pid = biosense::test::spawn_biosense(
      {"--db", b->url(), "run", "--batch-size", "4", "--data-dir", data.path().string()}, logs.path());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (count_status(*b, ImageKind::Stream, ids, {"P"}) == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  kill(pid, SIGINT);
  CHECK(biosense::test::wait_biosense(pid) == 130);
  const std::size_t done = decided(*b, ImageKind::Stream, ids);
  CHECK(done >= 4);
  CHECK(done < ids.size());
  CHECK(count_status(*b, ImageKind::Stream, ids, {"P"}) == 0);  // nothing left claimed
  CHECK(done + count_status(*b, ImageKind::Stream, ids, {"N"}) == ids.size());
}

TEST_CASE("the pass's detection settings: the CNN as second look decides a face HOG misses, by flag or by key",
          "[run][slow]") {
  // Saeb_Erekat_0002: a face HOG misses at upsample 1 and at 0, HOG's two
  // looks; the CNN finds it (0.44 from his 0001), and so does YuNet, the
  // default first look.
  const Bytes enrol = read_bytes(data_file("lfw-view1/images/Saeb_Erekat/Saeb_Erekat_0001.jpg"));
  const Bytes tilted = read_bytes(data_file("lfw-view1/images/Saeb_Erekat/Saeb_Erekat_0002.jpg"));
  auto b = migrated_backend(false);
  biosense::test::TempDir data;
  b->add_row(ImageKind::Train, "NA\\erekat", Status::Pending, enrol);
  const std::vector<std::string> run{"--db", b->url(),     "run", "--once",     "--detector",
                                     "hog",  "--max-side", "0",   "--data-dir", data.path().string()};

  const auto by_yunet = b->add_row(ImageKind::Stream, "NA\\erekat", Status::Pending, tilted);
  const auto fast = run_biosense({"--db", b->url(), "run", "--once", "--data-dir", data.path().string()});
  INFO(fast.err);
  REQUIRE(fast.exit_code == 0);
  CHECK(b->row(ImageKind::Stream, by_yunet).result ==
        std::optional<std::string>(biosense::detector_runs_here(biosense::Detector::Yunet) ? "SUCCESS"
                                                                                           : "NO_FACES_FOUND"));

  const auto plain = b->add_row(ImageKind::Stream, "NA\\erekat", Status::Pending, tilted);
  const auto first = run_biosense(run);  // HOG at upsample 1, then 0
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(b->row(ImageKind::Stream, plain).result == std::optional<std::string>("NO_FACES_FOUND"));

  auto flagged = run;
  flagged.insert(flagged.end(), {"--retry-detector", "cnn"});  // the second look at upsample 0 by the CNN
  const auto by_flag = b->add_row(ImageKind::Stream, "NA\\erekat", Status::Pending, tilted);
  const auto second = run_biosense(flagged);
  INFO(second.err);
  REQUIRE(second.exit_code == 0);
  CHECK(b->row(ImageKind::Stream, by_flag).result == std::optional<std::string>("SUCCESS"));

  const auto by_key = b->add_row(ImageKind::Stream, "NA\\erekat", Status::Pending, tilted);
  const auto third = run_biosense(run, {"BIOSENSE_RETRY_DETECTOR=cnn"});
  INFO(third.err);
  REQUIRE(third.exit_code == 0);
  CHECK(b->row(ImageKind::Stream, by_key).result == std::optional<std::string>("SUCCESS"));
  CHECK(b->row(ImageKind::Stream, plain).result == std::optional<std::string>("NO_FACES_FOUND"));  // not re-decided
}

TEST_CASE("the pass looks again at upsample 0 where HOG at upsample 1 finds no face", "[run][slow]") {
  // With HOG as the first look (detection.detector = "hog").
  // CelebA 118757.jpg (306x400): HOG finds the face at the photo's own scale
  // (upsample 0) but at no level of upsample 1's pyramid; 006549.jpg is the
  // same person (identity 7411).
  const Bytes enrol = read_bytes(data_file("celeba-dev/images/006549.jpg"));
  const Bytes snapshot = read_bytes(data_file("celeba-dev/images/118757.jpg"));
  auto b = migrated_backend(false);
  biosense::test::TempDir data;
  b->add_row(ImageKind::Train, "CELEBA\\id7411", Status::Pending, enrol);
  const std::vector<std::string> run{"--db", b->url(),     "run", "--once",     "--detector",
                                     "hog",  "--max-side", "0",   "--data-dir", data.path().string()};

  const auto looked_again = b->add_row(ImageKind::Stream, "CELEBA\\id7411", Status::Pending, snapshot);
  const auto first = run_biosense(run);  // HOG at upsample 1, then 0
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  const auto decided = b->row(ImageKind::Stream, looked_again);
  CHECK(decided.result == std::optional<std::string>("SUCCESS"));
  CHECK(decided.num_faces == std::optional<int>(1));

  auto once = run;  // face_recognition's detection: one look at upsample 1
  once.insert(once.end(), {"--retry-upsample", "-1"});
  const auto one_look = b->add_row(ImageKind::Stream, "CELEBA\\id7411", Status::Pending, snapshot);
  const auto second = run_biosense(once);
  INFO(second.err);
  REQUIRE(second.exit_code == 0);
  CHECK(b->row(ImageKind::Stream, one_look).result == std::optional<std::string>("NO_FACES_FOUND"));
}

TEST_CASE("an enrolment photo HOG misses is rejected by default and approved with --enrolment-cnn", "[run][slow]") {
  // HOG misses Saeb_Erekat_0002 at upsample 1 and 0; the CNN finds it. With
  // HOG as the first look (YuNet finds it: the test above).
  const Bytes tilted = read_bytes(data_file("lfw-view1/images/Saeb_Erekat/Saeb_Erekat_0002.jpg"));
  const Bytes snapshot = read_bytes(data_file("lfw-view1/images/Saeb_Erekat/Saeb_Erekat_0001.jpg"));
  auto b = migrated_backend(false);
  biosense::test::TempDir data;
  const auto train = b->add_row(ImageKind::Train, "NA\\erekat", Status::Pending, tilted);
  const auto row = b->add_row(ImageKind::Stream, "NA\\erekat", Status::Pending, snapshot);
  const auto r = run_biosense(
      {"--db", b->url(), "run", "--once", "--detector", "hog", "--max-side", "0", "--data-dir", data.path().string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(b->row(ImageKind::Train, train).result == std::optional<std::string>("NO_FACES_FOUND"));
  CHECK(b->row(ImageKind::Stream, row).result == std::optional<std::string>("TRAINING_IMAGE_FAILED"));

  const auto cnn_train = b->add_row(ImageKind::Train, "NA\\other", Status::Pending, tilted);
  const auto cnn_row = b->add_row(ImageKind::Stream, "NA\\other", Status::Pending, snapshot);
  const auto cnn = run_biosense({"--db", b->url(), "run", "--once", "--enrolment-cnn", "--detector", "hog",
                                 "--max-side", "0", "--data-dir", data.path().string()});
  INFO(cnn.err);
  REQUIRE(cnn.exit_code == 0);
  CHECK(b->row(ImageKind::Train, cnn_train).status == "Y");
  CHECK(b->row(ImageKind::Stream, cnn_row).result == std::optional<std::string>("SUCCESS"));
}
