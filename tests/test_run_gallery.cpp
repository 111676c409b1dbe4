/// The gallery check end to end: the real binary, the real models and real
/// webcam frames (Idiap Replay-Attack, $BIOSENSE_TEST_DATA/webcam-dev) over a
/// real SQLite file and a real MariaDB database.
///
/// Distances measured first with `biosense compare --mirror --show-distance
/// --tolerance 2` (the pass's encodings) on these frames, against each
/// client's benchmark (frame 0 of its controlled_1 video):
///   client003 controlled_2 frame 39:  003 0.232, 005 0.750, 002 0.785, 030 0.797, 010 0.824
///   client005 controlled_2 frame 39:  005 0.159, 003 0.734, 030 0.841, 002 0.846, 010 0.901
///   client002 adverse_2 frame 39:     002 0.268, 030 0.571, 010 0.618, 003 0.763, 005 0.821
/// client002 is within 0.6 of client030's benchmark, as on all 12 of its
/// frames measured: the colleague the gallery check is for. The passes run
/// at --tolerance 0.6, so that this frame is a match by the pair alone
/// whatever threshold the shipped calibration carries.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "support/pass_support.hpp"
#include "support/storage_backend.hpp"
#include "support/test_support.hpp"

using namespace biosense;
using biosense::test::data_file;
using biosense::test::migrated_backend;
using biosense::test::read_bytes;
using biosense::test::run_biosense;

namespace {

/// One frame of a real (not attack) Replay-Attack video.
Bytes webcam_frame(const char* split, const char* client, const char* take, const char* frame) {
  return read_bytes(
      data_file(fmt::format("webcam-dev/replay-attack/{}__real__real__client{}_session01_webcam_"
                            "authenticate_{}/{}",
                            split, client, take, frame)));
}

}  // namespace

TEST_CASE("the gallery check on webcam frames: a colleague within the tolerance is refused, the agent verified",
          "[run][slow][gallery]") {
  const bool mariadb = GENERATE(false, true);
  auto b = migrated_backend(mariadb);
  INFO(b->name());
  biosense::test::TempDir data;
  const std::string c003 = "RA\\client003", c005 = "RA\\client005", c030 = "RA\\client030", c002 = "RA\\client002";
  for (const auto& [lan_id, split, client] :
       std::vector<std::tuple<std::string, const char*, const char*>>{{c003, "devel", "003"},
                                                                      {c005, "devel", "005"},
                                                                      {"RA\\client010", "devel", "010"},
                                                                      {c030, "devel", "030"},
                                                                      {c002, "train", "002"}})
    b->add_row(ImageKind::Train, lan_id, Status::Pending,
               webcam_frame(split, client, "controlled_1", "frame_00000.jpg"));
  const auto genuine = b->add_row(ImageKind::Stream, c003, Status::Pending,
                                  webcam_frame("devel", "003", "controlled_2", "frame_00039.jpg"));
  const auto swapped = b->add_row(ImageKind::Stream, c003, Status::Pending,
                                  webcam_frame("devel", "005", "controlled_2", "frame_00039.jpg"));
  const auto colleague = b->add_row(ImageKind::Stream, c030, Status::Pending,
                                    webcam_frame("train", "002", "adverse_2", "frame_00039.jpg"));

  const auto r =
      run_biosense({"--db", b->url(), "-v", "run", "--tolerance", "0.6", "--detector", "hog", "--max-side", "0",
                    "--data-dir", data.path().string()});  // the distances below were recorded with HOG's boxes
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("gallery loaded: 5 enrolled benchmark(s)"));

  // The agent: verified, the nearest colleague recorded far behind.
  const auto g = b->row(ImageKind::Stream, genuine);
  CHECK(g.result == std::optional<std::string>("SUCCESS"));
  CHECK(*g.distance == Approx(0.232).margin(0.005));
  CHECK(g.closest_lan_id == c005);
  CHECK(*g.closest_distance == Approx(0.750).margin(0.005));

  // Another enrolled agent in front of client003's webcam: too far from
  // client003 anyway, and named.
  const auto s = b->row(ImageKind::Stream, swapped);
  CHECK(s.result == std::optional<std::string>("UNKNOWN_PERSON"));
  CHECK(*s.distance == Approx(0.734).margin(0.005));
  CHECK(s.closest_lan_id == c005);
  CHECK(*s.closest_distance == Approx(0.159).margin(0.005));

  // client002 in front of client030's webcam: within the tolerance of
  // client030's benchmark, but client002's own is closer.
  const auto c = b->row(ImageKind::Stream, colleague);
  CHECK(c.result == std::optional<std::string>("UNKNOWN_PERSON"));
  CHECK(c.status == "Y");
  REQUIRE(c.distance);
  CHECK(*c.distance < 0.6);
  CHECK(*c.distance == Approx(0.571).margin(0.005));
  CHECK(c.closest_lan_id == c002);
  CHECK(*c.closest_distance == Approx(0.268).margin(0.005));
  REQUIRE(c.accuracy);
  CHECK(*c.accuracy < 0.1);  // the claimed agent and not client002: about 0%
  const auto audit = b->audit_details(ImageKind::Stream, colleague);
  REQUIRE(audit.size() == 1);
  CHECK_THAT(audit[0], Catch::Contains("enrolled agent RA\\client002") && Catch::Contains("is closer at 0.26") &&
                           Catch::Contains("benchmark at 0.57"));

  // Without the check the same frame passes as client030: what the check is for.
  const auto off = run_biosense({"--db", b->url(), "reprocess", "--ids", std::to_string(colleague),
                                 "--no-gallery-check", "--tolerance", "0.6", "--data-dir", data.path().string()});
  INFO(off.err);
  REQUIRE(off.exit_code == 0);
  const auto unchecked = b->row(ImageKind::Stream, colleague);
  CHECK(unchecked.result == std::optional<std::string>("SUCCESS"));
  CHECK_FALSE(unchecked.closest_lan_id);
  CHECK_FALSE(unchecked.closest_distance);
  REQUIRE(unchecked.accuracy);
  CHECK(*unchecked.accuracy > 1.0);  // the pair's own confidence at 0.571
  CHECK(b->audit_details(ImageKind::Stream, colleague).size() == 2);
}
