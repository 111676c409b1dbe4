/// The watch (issue 8): its scores, its verdicts on sequences built from real
/// photos with the real engine, and `biosense watch` end to end over SQLite
/// and MariaDB (alerts, de-duplication across runs, --dry-run, skips).
#include <signal.h>

#include <dlib/image_io.h>
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <thread>

#include "biosense/cli/invocation.hpp"
#include "biosense/engine/face_shape.hpp"
#include "biosense/watch/watch.hpp"
#include "support/engine_support.hpp"
#include "support/storage_backend.hpp"
#include "support/test_support.hpp"

using namespace biosense;
using biosense::test::data_file;
using biosense::test::read_bytes;
using biosense::test::run_biosense;

namespace {

FaceShapeEngine& shape_engine() {
  static std::shared_ptr<const ShapeModel68> shape = ShapeModel68::load();
  static FaceShapeEngine engine(biosense::test::shared_models(), shape);
  return engine;
}

Bytes misc(const char* name) { return read_bytes(data_file(std::string("misc/face_recognition/") + name)); }
Bytes lfw(const std::string& person, int n) {
  return read_bytes(data_file(fmt::format("lfw-view1/images/{0}/{0}_{1:04}.jpg", person, n)));
}

/// The photo decoded, changed as an attacker's re-capture would change it
/// (brightness gain, a shift of whole pixels), and saved as JPEG at `quality`.
Bytes recapture(const Bytes& photo, int quality, double gain = 1.0, long shift = 0) {
  auto decoded = decode_image(photo, ImageLimits{});
  REQUIRE(std::holds_alternative<RgbImage>(decoded));
  const RgbImage& in = std::get<RgbImage>(decoded);
  RgbImage out(in.nr(), in.nc());
  for (long r = 0; r < in.nr(); ++r)
    for (long c = 0; c < in.nc(); ++c) {
      const auto& p =
          in(std::min(in.nr() - 1, std::max(0L, r - shift)), std::min(in.nc() - 1, std::max(0L, c - shift)));
      const auto scale = [gain](unsigned char v) {
        return static_cast<unsigned char>(std::min(255.0, std::round(static_cast<double>(v) * gain)));
      };
      out(r, c) = dlib::rgb_pixel(scale(p.red), scale(p.green), scale(p.blue));
    }
  biosense::test::TempDir tmp;
  const auto file = tmp / "frame.jpg";
  dlib::save_jpeg(out, file.string(), quality);
  return read_bytes(file);
}

ShapedFace first_face(const Bytes& photo) {
  auto r = shape_engine().analyze(photo, true);
  REQUIRE(std::holds_alternative<FrameAnalysis>(r));
  const auto& frame = std::get<FrameAnalysis>(r);
  REQUIRE(!frame.faces.empty());
  return frame.faces.front();
}

/// The face moved by a similarity transform: what a flat photo does when it
/// is slid, turned in its plane or brought closer.
ShapedFace moved(ShapedFace f, double angle_deg, double scale, double dx, double dy) {
  const double a = angle_deg * 3.14159265358979323846 / 180.0;
  for (auto& p : f.points) {
    const double x = p.x, y = p.y;
    p = Point2{scale * (x * std::cos(a) - y * std::sin(a)) + dx, scale * (x * std::sin(a) + y * std::cos(a)) + dy};
  }
  f.box.left += static_cast<long>(dx);
  f.box.right += static_cast<long>(dx);
  return f;
}

struct Sequence {
  std::vector<SnapshotInfo> snapshots;
  std::map<std::int64_t, Bytes> photos;
  void add(const Bytes& photo, ResultCode result = ResultCode::Success) {
    SnapshotInfo s;
    s.id = static_cast<std::int64_t>(snapshots.size()) + 1;
    s.lan_id = "NA\\agent";
    s.capture_time = fmt::format("2024-05-01 10:00:{:02}", snapshots.size());
    s.status = status_for(ImageKind::Stream, result);
    s.result = result;
    snapshots.push_back(s);
    photos[s.id] = photo;
  }
  AgentFindings check(const WatchOptions& o = {}) {
    const ImageLoader load = [this](std::int64_t id) -> std::optional<Bytes> { return photos.at(id); };
    return check_agent("NA\\agent", snapshots, load, shape_engine(), o, "2024-05-01 09:55:00", "2024-05-01 10:05:00");
  }
};

std::vector<AlertKind> kinds(const AgentFindings& f) {
  std::vector<AlertKind> k;
  for (const auto& a : f.alerts) k.push_back(a.kind);
  return k;
}
bool has(const AgentFindings& f, AlertKind kind) {
  const auto k = kinds(f);
  return std::find(k.begin(), k.end(), kind) != k.end();
}

}  // namespace

TEST_CASE("a flat picture slid, turned or rescaled keeps the same landmark geometry", "[watch]") {
  const ShapedFace face = first_face(misc("obama.jpg"));
  const std::vector<FrameFace> photo_moves{
      {face, 640, 480}, {moved(face, 6.0, 1.1, 30.0, -12.0), 640, 480}, {moved(face, -4.0, 0.9, -25.0, 8.0), 640, 480}};
  const ShapeScores still = score_faces(photo_moves);
  CHECK(still.frames == 3);
  CHECK(still.shape_residual < 1e-9);
  CHECK(still.roll_spread_deg > 3.0);  // the turns are measured, and do not count as life
  CHECK(still.box_spread > 0.01);
  CHECK(still.encoding_spread == Approx(0.0));

  // Three different real photos of one man: the geometry moves.
  const std::vector<FrameFace> live{{first_face(misc("obama.jpg")), 0, 0},
                                    {first_face(misc("obama2.jpg")), 0, 0},
                                    {first_face(misc("obama3.jpg")), 0, 0}};
  const ShapeScores genuine = score_faces(live);
  CHECK(genuine.frames == 3);
  CHECK(genuine.shape_residual > 3 * WatchThresholds{}.shape_residual);
  CHECK(genuine.encoding_spread > 0.1);
  CHECK(genuine.encoding_spread < 0.6);  // the same person

  // A face whose eyes coincide cannot be normalized and is left out.
  ShapedFace broken = face;
  for (auto& p : broken.points) p = Point2{5.0, 5.0};
  CHECK(score_faces({{face, 0, 0}, {broken, 0, 0}}).frames == 1);
}

TEST_CASE("whole-frame change ignores brightness and contrast but not motion", "[watch]") {
  std::vector<float> a(kThumbnailSide * kThumbnailSide), brighter(a.size()), shifted(a.size()), flat(a.size(), 80.0f);
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto r = static_cast<double>(i / kThumbnailSide), c = static_cast<double>(i % kThumbnailSide);
    a[i] = static_cast<float>(120.0 + 60.0 * std::sin(r / 4.0) * std::cos(c / 5.0));
    brighter[i] = a[i] * 1.3f + 12.0f;
    shifted[i] = static_cast<float>(120.0 + 60.0 * std::sin((r + 3.0) / 4.0) * std::cos(c / 5.0));
  }
  CHECK(frame_change(a, a) == 0.0);
  CHECK(frame_change(a, brighter) < 1e-5);
  CHECK(frame_change(a, shifted) > 10 * WatchThresholds{}.frozen_change);
  CHECK(frame_change(flat, flat) == 0.0);
  CHECK(frame_change(a, flat) > 0.5);
  CHECK(frame_change(a, {}) == 1.0);  // not comparable: counted as a change
}

TEST_CASE("a re-sent photo raises replay, frozen-feed and impersonation alerts", "[watch]") {
  Sequence seq;
  const Bytes photo = misc("obama2.jpg");
  for (int i = 0; i < 3; ++i) seq.add(photo);
  const AgentFindings f = seq.check();
  CHECK(has(f, AlertKind::ReplayedImage));
  CHECK(has(f, AlertKind::FrozenFeed));
  CHECK(has(f, AlertKind::Impersonation));
  CHECK(f.skipped.empty());
  REQUIRE(f.shape);
  CHECK(f.shape->shape_residual < 1e-12);
  for (const auto& a : f.alerts) {
    CHECK(a.evidence_ids == std::vector<std::int64_t>{1, 2, 3});
    CHECK(a.window_start == "2024-05-01 09:55:00");
    CHECK(a.lan_id == "NA\\agent");
  }
}

TEST_CASE("a recaptured photo (new bytes, light, shift) is still an impersonation", "[watch]") {
  Sequence seq;
  const Bytes photo = lfw("Paul_Wolfowitz", 5);
  seq.add(recapture(photo, 92, 1.0, 0));
  seq.add(recapture(photo, 80, 1.15, 2));
  seq.add(recapture(photo, 70, 0.85, 4));
  const AgentFindings f = seq.check();
  CHECK_FALSE(has(f, AlertKind::ReplayedImage));  // no two byte strings are equal
  CHECK(has(f, AlertKind::Impersonation));
  REQUIRE(f.shape);
  CHECK(f.shape->shape_residual <= WatchThresholds{}.shape_residual);
}

TEST_CASE("different real photos of the agent raise no alert", "[watch]") {
  Sequence seq;
  for (int n : {2, 3, 4}) seq.add(lfw("Paul_Wolfowitz", n));
  const AgentFindings f = seq.check();
  CHECK(f.alerts.empty());
  CHECK(f.skipped.empty());
  REQUIRE(f.shape);
  CHECK(f.shape->shape_residual > WatchThresholds{}.shape_residual);
  CHECK(f.longest_unchanged_run == 1);
}

TEST_CASE("agents with fewer than N snapshots are skipped with a reason", "[watch]") {
  Sequence seq;
  seq.add(misc("obama2.jpg"));
  seq.add(misc("obama3.jpg"));
  seq.add(biosense::test::flat_png(320, 240, 9, 9, 9), ResultCode::NoFacesFound);
  const AgentFindings f = seq.check();
  CHECK(f.alerts.empty());
  CHECK_FALSE(f.shape);
  bool impersonation_skipped = false;
  for (const auto& s : f.skipped) {
    if (s.check != AlertKind::Impersonation) continue;
    impersonation_skipped = true;
    CHECK(s.reason == "2 SUCCESS snapshot(s) in the window, need 3");
    CHECK(s.lan_id == "NA\\agent");
  }
  CHECK(impersonation_skipped);

  Sequence two;
  two.add(misc("obama2.jpg"));
  two.add(misc("obama3.jpg"));
  const AgentFindings g = two.check();
  CHECK(g.skipped.size() == 4);  // impersonation, frozen feed, absent, substituted
}

TEST_CASE("shares of no-face and unknown snapshots raise ABSENT and SUBSTITUTED", "[watch]") {
  Sequence seq;
  seq.add(misc("obama2.jpg"));
  for (int i = 0; i < 3; ++i)
    seq.add(biosense::test::flat_png(320, 240, static_cast<unsigned char>(20 * i), 9, 9), ResultCode::NoFacesFound);
  seq.add(misc("biden.jpg"), ResultCode::UnknownPerson);
  seq.add(Bytes{1, 2, 3}, ResultCode::InvalidImage);  // F rows are not verdicts
  AgentFindings f = seq.check();
  CHECK(has(f, AlertKind::Absent));  // 3 of 5 verdicts
  CHECK_FALSE(has(f, AlertKind::Substituted));
  for (const auto& a : f.alerts)
    if (a.kind == AlertKind::Absent) CHECK(a.evidence_ids == std::vector<std::int64_t>{2, 3, 4});

  WatchOptions strict;
  strict.thresholds.absent_share = 0.6;  // 60% is not above 60%
  strict.thresholds.substituted_share = 0.1;
  f = seq.check(strict);
  CHECK_FALSE(has(f, AlertKind::Absent));
  CHECK(has(f, AlertKind::Substituted));
}

TEST_CASE("watch timestamps shift across days and refuse other shapes", "[watch]") {
  CHECK(shift_timestamp("2024-03-01 00:05:00", -600) == "2024-02-29 23:55:00");
  CHECK(shift_timestamp("2024-12-31 23:59:30", 30) == "2025-01-01 00:00:00");
  CHECK(shift_timestamp("2024-03-01 10:00:00.123", 0) == "2024-03-01 10:00:00");
  CHECK_THROWS_AS(shift_timestamp("yesterday", 0), std::invalid_argument);
}

TEST_CASE("watch options parse with their defaults", "[watch][cli]") {
  auto out = parse_command_line({"watch"});
  REQUIRE(out.invocation);
  auto o = std::get<WatchCommandOptions>(out.invocation->command);
  CHECK(o.watch.window == std::chrono::seconds(600));
  CHECK(o.watch.frames == 3);
  CHECK_FALSE(o.loop);
  CHECK_FALSE(o.dry_run);

  out = parse_command_line({"watch", "--window", "90s", "--frames", "5", "--loop", "--interval", "300", "--dry-run",
                            "--at", "2024-05-01 10:00:00", "--shape-threshold", "0.02"});
  REQUIRE(out.invocation);
  o = std::get<WatchCommandOptions>(out.invocation->command);
  CHECK(o.watch.window == std::chrono::seconds(90));
  CHECK(o.watch.frames == 5);
  CHECK(o.loop);
  CHECK(o.interval == 300.0);
  CHECK(o.dry_run);
  CHECK(o.at == "2024-05-01 10:00:00");
  CHECK(o.watch.thresholds.shape_residual == 0.02);
  CHECK(
      std::get<WatchCommandOptions>(parse_command_line({"watch", "--window", "2h"}).invocation->command).watch.window ==
      std::chrono::seconds(7200));

  for (const auto& bad : std::vector<std::vector<std::string>>{{"watch", "--window", "10 minutes"},
                                                               {"watch", "--window", "0m"},
                                                               {"watch", "--frames", "1"},
                                                               {"watch", "--once", "--loop"},
                                                               {"watch", "--at", "tomorrow"},
                                                               {"watch", "--at", "2024-13-01 10:00:00"}}) {
    const auto r = parse_command_line(bad);
    CHECK_FALSE(r.invocation);
    CHECK(r.exit_code == 1);
  }
}

namespace {

std::unique_ptr<biosense::test::SqlBackend> migrated(bool mariadb) {
  auto b = mariadb ? biosense::test::make_mariadb_backend() : biosense::test::make_sqlite_backend();
  REQUIRE(b);
  b->migrate();
  return b;
}

std::size_t count_lines_with(const std::string& text, const std::string& a, const std::string& b) {
  std::size_t n = 0, pos = 0;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string line = text.substr(pos, end - pos);
    n += line.find(a) != std::string::npos && line.find(b) != std::string::npos;
    pos = end + 1;
  }
  return n;
}

}  // namespace

TEST_CASE("biosense watch raises, de-duplicates and dry-runs alerts", "[watch][slow]") {
  const bool mariadb = GENERATE(false, true);
  auto b = migrated(mariadb);
  INFO(b->name());
  const std::string url = b->url();
  biosense::test::TempDir dir;
  const auto put = [&](const std::string& name, const Bytes& bytes) {
    const auto file = dir / name;
    biosense::test::write_bytes(file, bytes);
    return file.string();
  };
  const auto import = [&](const std::string& lan_id, const char* kind, const std::string& file,
                          const std::string& time) {
    const auto r = run_biosense({"--db", url, "import", "--lan-id", lan_id, kind, file, "--capture-time", time});
    REQUIRE(r.exit_code == 0);
  };
  // Attacker: one photo of the agent recaptured three times (new bytes each time).
  const Bytes photo = lfw("Paul_Wolfowitz", 5);
  import("NA\\attacker", "--train", put("enrol.jpg", lfw("Paul_Wolfowitz", 2)), "2024-05-01 08:00:00");
  import("NA\\attacker", "--stream", put("a1.jpg", recapture(photo, 92)), "2024-05-01 10:01:00");
  import("NA\\attacker", "--stream", put("a2.jpg", recapture(photo, 80, 1.1, 2)), "2024-05-01 10:02:00");
  import("NA\\attacker", "--stream", put("a3.jpg", recapture(photo, 70, 0.9, 3)), "2024-05-01 10:03:00");
  // Genuine: three different photos of the same man.
  import("NA\\genuine", "--train", put("g0.jpg", lfw("Ricardo_Lagos", 1)), "2024-05-01 08:00:00");
  import("NA\\genuine", "--stream", put("g1.jpg", lfw("Ricardo_Lagos", 2)), "2024-05-01 10:01:00");
  import("NA\\genuine", "--stream", put("g2.jpg", lfw("Ricardo_Lagos", 3)), "2024-05-01 10:02:00");
  import("NA\\genuine", "--stream", put("g3.jpg", lfw("Ricardo_Lagos", 9)), "2024-05-01 10:03:00");
  // Too few: two verified snapshots.
  import("NA\\few", "--train", put("f0.jpg", misc("obama.jpg")), "2024-05-01 08:00:00");
  import("NA\\few", "--stream", put("f1.jpg", misc("obama2.jpg")), "2024-05-01 10:01:00");
  import("NA\\few", "--stream", put("f2.jpg", misc("obama3.jpg")), "2024-05-01 10:02:00");
  // Gone quiet: snapshots in the window before, none in this one.
  import("NA\\gone", "--stream", put("q1.jpg", misc("biden.jpg")), "2024-05-01 09:50:00");
  // HOG, as when these photos were chosen: YuNet also finds the dark face of
  // a man behind Paul_Wolfowitz_0005 (SUCCESS_MULTIPLE_FACES), and the photo
  // checks look at SUCCESS snapshots.
  REQUIRE(run_biosense({"--db", url, "run", "--once", "--detector", "hog", "--max-side", "0"}).exit_code == 0);

  auto store = open_watch_store(url);
  const std::vector<std::string> at_1005{"--db", url, "watch", "--at", "2024-05-01 10:05:00"};

  // --dry-run prints what it would raise and writes nothing.
  auto dry = at_1005;
  dry.push_back("--dry-run");
  auto r = run_biosense(dry);
  REQUIRE(r.exit_code == 0);
  INFO(r.out << r.err);
  CHECK(count_lines_with(r.out, "would raise IMPERSONATION", "NA\\\\attacker") == 1);
  CHECK(count_lines_with(r.out, "would raise NO_DATA", "NA\\\\gone") == 1);
  CHECK(r.out.find("NA\\\\genuine\" window") == std::string::npos);
  CHECK(count_lines_with(r.out, "skip IMPERSONATION", "2 SUCCESS snapshot(s) in the window, need 3") == 1);
  CHECK(count_lines_with(r.out, "skip IMPERSONATION", "NA\\\\few") == 1);
  CHECK(r.err.find("dry-run watch") != std::string::npos);
  CHECK(store->open_alerts().empty());

  // The real run stores them.
  r = run_biosense(at_1005);
  REQUIRE(r.exit_code == 0);
  CHECK(count_lines_with(r.out, "(new) IMPERSONATION", "NA\\\\attacker") == 1);
  CHECK(r.out.find("REPLAYED_IMAGE") == std::string::npos);
  auto open = store->open_alerts();
  std::map<std::string, std::vector<AlertRecord>> by_agent;
  for (const auto& a : open) by_agent[a.lan_id].push_back(a);
  CHECK(by_agent.count("NA\\genuine") == 0);
  CHECK(by_agent.count("NA\\few") == 0);
  REQUIRE(by_agent["NA\\gone"].size() == 1);
  CHECK(by_agent["NA\\gone"].front().kind == AlertKind::NoData);
  const auto impersonation = std::find_if(open.begin(), open.end(), [](const AlertRecord& a) {
    return a.kind == AlertKind::Impersonation && a.lan_id == "NA\\attacker";
  });
  REQUIRE(impersonation != open.end());
  CHECK(impersonation->evidence_ids.size() == 3);
  CHECK(impersonation->window_start == "2024-05-01 09:55:00");
  CHECK(impersonation->scores.find("\"shape_residual\":") != std::string::npos);

  // Five minutes later the windows overlap: the same alerts, extended.
  r = run_biosense({"--db", url, "watch", "--at", "2024-05-01 10:10:00"});
  REQUIRE(r.exit_code == 0);
  CHECK(count_lines_with(r.out, "(extended) IMPERSONATION", "NA\\\\attacker") == 1);
  CHECK(r.out.find("(new)") == std::string::npos);
  const auto again = store->open_alerts();
  CHECK(again.size() == open.size());
  for (const auto& a : again)
    if (a.id == impersonation->id) {
      CHECK(a.runs == 2);
      CHECK(a.window_end == "2024-05-01 10:10:00");
      CHECK(a.window_start == "2024-05-01 09:55:00");
    }
}

TEST_CASE("biosense watch refuses a bad --at and an unmigrated database", "[watch]") {
  biosense::test::TempDir dir;
  const std::string url = "sqlite:" + (dir / "fresh.db").string();
  auto r = run_biosense({"--db", url, "watch", "--at", "2024-13-45 99:99:99"});
  CHECK(r.exit_code == 1);
  r = run_biosense({"--db", url, "watch"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("db migrate") != std::string::npos);
}

TEST_CASE("watch --loop runs again each interval, extends its alert, and stops on SIGTERM", "[watch][slow]") {
  auto b = migrated(false);
  biosense::test::TempDir logs;
  Repository& repo = b->open();
  const Bytes photo = misc("obama2.jpg");
  for (int i = 1; i <= 3; ++i) {
    const auto id = repo.insert_image(ImageKind::Stream, "NA\\loop", photo, fmt::format("2024-05-01 10:0{}:00", i));
    REQUIRE(repo.claim(ImageKind::Stream, 1, id, "t:1").size() == 1);
    Decision d;
    d.kind = ImageKind::Stream;
    d.id = id;
    d.lan_id = "NA\\loop";
    d.result = ResultCode::Success;
    REQUIRE(repo.commit_decisions({d}, "t:1") == 1);
  }
  auto store = open_watch_store(b->url());
  const int pid = biosense::test::spawn_biosense(
      {"--db", b->url(), "watch", "--loop", "--interval", "1", "--at", "2024-05-01 10:05:00"}, logs.path());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  int runs = 0;
  while (runs < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    for (const auto& a : store->open_alerts())
      if (a.kind == AlertKind::ReplayedImage) runs = a.runs;
  }
  kill(pid, SIGTERM);
  CHECK(biosense::test::wait_biosense(pid) == 0);
  CHECK(runs >= 2);
  std::size_t replayed = 0;
  for (const auto& a : store->open_alerts()) replayed += a.kind == AlertKind::ReplayedImage;
  CHECK(replayed == 1);  // one alert, extended by every run
}
