/// `calibrate --from-db` end to end: a real SQLite file and a real MariaDB
/// database filled with webcam-dev frames, decided by a real pass, then the
/// threshold fit on the site's own comparisons, checked against distances
/// the test computes itself.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "biosense/cli/invocation.hpp"
#include "biosense/engine/dlib_engine.hpp"
#include "support/engine_support.hpp"
#include "support/pass_support.hpp"
#include "support/storage_backend.hpp"
#include "support/test_support.hpp"

using namespace biosense;
using biosense::test::data_file;
using biosense::test::migrated_backend;
using biosense::test::read_bytes;
using biosense::test::run_biosense;

namespace {

/// The first 10 train clients of webcam-dev: per client, the first frame of
/// its first real video (enrolment) and 6 frames of its other real videos.
struct WebcamSite {
  std::map<std::string, std::filesystem::path> enrolment;                // lan_id -> frame
  std::vector<std::pair<std::string, std::filesystem::path>> snapshots;  // lan_id, frame
};

WebcamSite webcam_site() {
  const auto root = data_file("webcam-dev/replay-attack");
  std::map<std::string, std::vector<std::filesystem::path>> videos;  // client -> real videos
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    const std::string name = entry.path().filename().string();
    const auto at = name.find("client");
    if (name.rfind("train__real__", 0) != 0 || at == std::string::npos) continue;
    videos[name.substr(at, 9)].push_back(entry.path());
  }
  WebcamSite site;
  for (auto& [client, list] : videos) {
    if (site.enrolment.size() == 10) break;
    std::sort(list.begin(), list.end());
    auto frames = [](const std::filesystem::path& video) {
      std::vector<std::filesystem::path> f;
      for (const auto& e : std::filesystem::directory_iterator(video)) f.push_back(e.path());
      std::sort(f.begin(), f.end());
      return f;
    };
    const std::string lan = "WEBCAM\\" + client;
    site.enrolment[lan] = frames(list.front()).front();
    for (std::size_t v = 1; v < list.size(); ++v) {
      const auto f = frames(list[v]);
      site.snapshots.push_back({lan, f.at(0)});
      site.snapshots.push_back({lan, f.at(5)});
    }
  }
  REQUIRE(site.enrolment.size() == 10);
  REQUIRE(site.snapshots.size() == 60);
  return site;
}

nlohmann::json read_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("calibrate --from-db sets the threshold for the asked FMR on the site's own comparisons",
          "[calibrate][slow]") {
  const bool mariadb = GENERATE(false, true);
  auto b = migrated_backend(mariadb);
  INFO(b->name());
  biosense::test::TempDir dir;
  const auto site = webcam_site();

  // Nothing decided yet: no benchmark to compare with, a clear refusal.
  const auto empty = run_biosense({"--db", b->url(), "calibrate", "--from-db", "-o", (dir / "x.json").string()});
  CHECK(empty.exit_code == 1);
  CHECK_THAT(empty.err, Catch::Contains("no agent has a benchmark"));

  for (const auto& [lan, frame] : site.enrolment) b->add_row(ImageKind::Train, lan, Status::Pending, read_bytes(frame));
  for (const auto& [lan, frame] : site.snapshots)
    b->add_row(ImageKind::Stream, lan, Status::Pending, read_bytes(frame));
  const auto pass = run_biosense({"--db", b->url(), "run", "--threads", "2", "--data-dir", (dir / "Data").string()});
  INFO(pass.err);
  REQUIRE(pass.exit_code == 0);

  const auto out = dir / "site.json";
  const auto fit = run_biosense(
      {"--db", b->url(), "calibrate", "--from-db", "--target-fmr", "1e-2", "--cpus", "2", "-o", out.string()});
  INFO(fit.out << fit.err);
  REQUIRE(fit.exit_code == 0);
  CHECK_THAT(fit.out, Catch::Contains("10 agents' benchmarks") && Catch::Contains("60 decided snapshots read") &&
                          Catch::Contains("540 different-person") && Catch::Contains("threshold"));
  const auto spec = read_json(out);
  CHECK(spec.at("format_version") == 3);
  const auto& op = spec.at("operating_point");
  CHECK(op.at("target_fmr") == 1e-2);
  CHECK(op.at("impostors") == 540);  // 60 snapshots x 9 other agents
  CHECK(op.at("genuine").get<int>() >= 55);
  CHECK(op.at("genuine").get<int>() <= 60);
  CHECK_THAT(op.at("source").get<std::string>(), Catch::Contains("database"));
  const double threshold = op.at("threshold").get<double>();

  // The same comparisons, computed here with the pass's engine settings: at
  // the written threshold at most 1% of them (5 of 540) are accepted.
  EngineOptions options;
  DecisionOptions{}.apply_to(options);  // the pass's defaults, which calibrate --from-db follows
  DlibEngine engine(Models::load({}, false, options.uses_yunet()), options);
  auto encode = [&](const std::filesystem::path& file) {
    const auto analysis = engine.analyze(read_bytes(file));
    const auto& faces = std::get<FaceAnalysis>(analysis).faces;
    REQUIRE(faces.size() == 1);
    return faces.front().encoding;
  };
  std::map<std::string, Encoding> benchmarks;
  for (const auto& [lan, frame] : site.enrolment) benchmarks[lan] = encode(frame);
  std::size_t impostors = 0, accepted = 0;
  for (const auto& [lan, frame] : site.snapshots) {
    const Encoding e = encode(frame);
    for (const auto& [other, benchmark] : benchmarks) {
      if (other == lan) continue;
      ++impostors;
      if (face_distance(e, benchmark) <= threshold) ++accepted;
    }
  }
  CHECK(impostors == 540);
  CHECK(accepted <= 5);
  CHECK(static_cast<double>(accepted) / 540.0 == Approx(op.at("fmr").get<double>()));

  // 540 comparisons cannot resolve 1e-3 (3,000 needed): refused, nothing written,
  // after saying what there was.
  const auto strict = dir / "strict.json";
  const auto refused = run_biosense(
      {"--db", b->url(), "calibrate", "--from-db", "--target-fmr", "1e-3", "--cpus", "2", "-o", strict.string()});
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.err, Catch::Contains("cannot resolve a false-match rate of 0.001") && Catch::Contains("3000"));
  CHECK_THAT(refused.out, Catch::Contains("540 different-person"));
  CHECK_FALSE(std::filesystem::exists(strict));

  // The written file is what the pass then decides with.
  const auto reprocess = run_biosense({"--db", b->url(), "--calibration", out.string(), "-v", "reprocess", "--lan-id",
                                       site.snapshots.front().first, "--data-dir", (dir / "Data").string()});
  INFO(reprocess.err);
  REQUIRE(reprocess.exit_code == 0);
  CHECK_THAT(reprocess.err, Catch::Contains(fmt::format("deciding at distance {:.4f}", threshold)));
}
