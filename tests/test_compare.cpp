/// `biosense compare`: matching rules and output formats on synthetic
/// encodings (fast), and the real binary over the misc photos (slow).
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <sstream>

#include "biosense/calibration/calibration_file.hpp"
#include "biosense/compare/compare.hpp"
#include "biosense/compare/writer.hpp"
#include "support/engine_support.hpp"
#include "support/test_support.hpp"

using namespace biosense;
using biosense::test::data_file;
using biosense::test::run_biosense;

namespace {

Encoding at(float x) {
  Encoding e{};
  e[0] = x;
  return e;
}

std::vector<KnownFace> two_known() { return {{"alice", "alice.jpg", at(0.0f)}, {"bob", "bob.jpg", at(1.0f)}}; }

FaceAnalysis faces_at(std::initializer_list<float> xs) {
  FaceAnalysis a;
  for (float x : xs) a.faces.push_back(Face{FaceBox{1, 2, 3, 4}, at(x)});
  return a;
}

std::string render(CompareFormat format, const PhotoResult& r, bool show_distance = true) {
  std::ostringstream out;
  const auto known = two_known();
  make_compare_writer(format, out, known, show_distance)->write(r);
  return out.str();
}

/// file -> set of names, from text output lines `file,name[,...]`.
std::map<std::string, std::multiset<std::string>> names_by_file(const std::string& text) {
  std::map<std::string, std::multiset<std::string>> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto comma = line.find(',');
    REQUIRE(comma != std::string::npos);
    const auto rest = line.substr(comma + 1);
    const auto file = std::filesystem::path(line.substr(0, comma)).filename().string();
    out[file].insert(rest.substr(0, rest.find(',')));
  }
  return out;
}

}  // namespace

TEST_CASE("a face matches every known face within the tolerance, best first in the JSON", "[compare]") {
  const auto calibration = make_provisional_calibration();
  const auto known = two_known();
  SECTION("between the two") {
    const FaceMatch m = match_face(Face{{}, at(0.3f)}, known, 0.6, *calibration);
    REQUIRE(m.matches.size() == 1);
    CHECK(m.matches[0].known == 0);
    CHECK(m.best->distance == Approx(0.3));
    CHECK(m.best->confidence == Approx(calibration->percent(0.3)));
  }
  SECTION("the tolerance is inclusive") {
    const FaceMatch m = match_face(Face{{}, at(0.5f)}, known, 0.5, *calibration);
    CHECK(m.matches.size() == 2);
  }
  SECTION("nobody within the tolerance") {
    const FaceMatch m = match_face(Face{{}, at(3.0f)}, known, 0.6, *calibration);
    CHECK(m.matches.empty());
    CHECK(m.best->known == 1);
  }
  SECTION("no known faces at all") {
    const FaceMatch m = match_face(Face{{}, at(0.0f)}, {}, 0.6, *calibration);
    CHECK(m.matches.empty());
    CHECK_FALSE(m.best);
  }
}

TEST_CASE("the provisional confidence falls with distance", "[compare][calibration]") {
  const auto c = make_provisional_calibration();
  CHECK(c->percent(0.0) > 99.9);
  CHECK(c->percent(0.6) == Approx(50.0));
  CHECK(c->percent(1.0) < 0.1);
  for (double d = 0.0; d < 1.5; d += 0.05) CHECK(c->probability_same(d) >= c->probability_same(d + 0.05));
  CHECK(c->name() == "provisional-logistic-v0");
}

TEST_CASE("output formats follow the face_recognition CLI's lines", "[compare]") {
  const auto calibration = make_provisional_calibration();
  const auto known = two_known();
  const PhotoResult two = judge_photo("p.jpg", faces_at({0.1f, 5.0f}), known, 0.6, *calibration);
  CHECK(render(CompareFormat::Text, two, false) == "p.jpg,alice\np.jpg,unknown_person\n");
  CHECK(render(CompareFormat::Text, two) == "p.jpg,alice,0.100000,100.0\np.jpg,unknown_person,None,None\n");
  CHECK(render(CompareFormat::Csv, two) ==
        "file,name,distance,confidence\np.jpg,alice,0.100000,100.0\np.jpg,unknown_person,4.000000,0.0\n");

  const PhotoResult none = judge_photo("n.jpg", FaceAnalysis{}, known, 0.6, *calibration);
  CHECK(render(CompareFormat::Text, none, false) == "n.jpg,no_persons_found\n");
  const PhotoResult bad = judge_photo("b.jpg", InvalidImage{"corrupt \"JPEG\""}, known, 0.6, *calibration);
  CHECK(render(CompareFormat::Text, bad, true) == "b.jpg,invalid_image,None,None\n");
  CHECK(render(CompareFormat::Json, bad) ==
        "{\"file\":\"b.jpg\",\"result\":\"invalid_image\",\"error\":\"corrupt \\\"JPEG\\\"\",\"faces\":[]}\n");
  const std::string json = render(CompareFormat::Json, two);
  CHECK_THAT(json, Catch::StartsWith("{\"file\":\"p.jpg\",\"result\":\"match\",\"faces\":[{\"box\":{\"left\":1,"));
  CHECK_THAT(json, Catch::Contains("\"name\":\"alice\",\"closest\":\"alice\",\"distance\":0.100000"));
  CHECK_THAT(json, Catch::Contains("\"name\":\"unknown_person\",\"closest\":\"bob\""));

  const PhotoResult comma = judge_photo("a,b.jpg", faces_at({0.0f}), known, 0.6, *calibration);
  CHECK_THAT(render(CompareFormat::Csv, comma), Catch::Contains("\n\"a,b.jpg\",alice,"));
}

TEST_CASE("compare answers the misc photos right", "[compare][slow]") {
  biosense::test::TempDir known, unknown;
  const auto misc = data_file("misc/face_recognition");
  std::filesystem::copy_file(misc / "obama.jpg", known / "obama.jpg");
  std::filesystem::copy_file(misc / "biden.jpg", known / "biden.jpg");
  for (const char* f : {"obama2.jpg", "obama3.jpg", "obama-720p.jpg", "two_people.jpg", "kit_with_rose.jpg"})
    std::filesystem::copy_file(misc / f, unknown / f);
  biosense::test::write_bytes(unknown / "blank.png", biosense::test::flat_png(320, 240, 200, 200, 200));
  const std::string garbage = "GIF89a but not really a picture";
  biosense::test::write_bytes(unknown / "garbage.jpg", Bytes(garbage.begin(), garbage.end()));

  const auto r = run_biosense({"compare", "--cpus", "2", known.path().string(), unknown.path().string()});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const auto names = names_by_file(r.out);
  using Names = std::multiset<std::string>;
  CHECK(names.at("obama2.jpg") == Names{"obama"});
  CHECK(names.at("obama3.jpg") == Names{"obama"});
  CHECK(names.at("obama-720p.jpg") == Names{"obama"});
  CHECK(names.at("two_people.jpg") == Names{"biden", "obama"});
  CHECK(names.at("kit_with_rose.jpg") == Names{"unknown_person", "unknown_person"});
  CHECK(names.at("blank.png") == Names{"no_persons_found"});
  CHECK(names.at("garbage.jpg") == Names{"invalid_image"});
  // Input order is kept whatever the thread count.
  CHECK(r.out.find("blank.png") < r.out.find("garbage.jpg"));
  CHECK(r.out.find("obama2.jpg") < r.out.find("two_people.jpg"));
}

TEST_CASE("compare --mirror: the pass's encodings and their calibration, the same answers on the misc photos",
          "[compare][slow]") {
  biosense::test::TempDir known, unknown;
  const auto misc = data_file("misc/face_recognition");
  std::filesystem::copy_file(misc / "obama.jpg", known / "obama.jpg");
  std::filesystem::copy_file(misc / "biden.jpg", known / "biden.jpg");
  for (const char* f : {"obama2.jpg", "two_people.jpg", "kit_with_rose.jpg"})
    std::filesystem::copy_file(misc / f, unknown / f);
  /// obama2.jpg's line: "file,obama,DISTANCE,CONFIDENCE" -> {distance, confidence}.
  const auto obama2 = [](const std::string& out) {
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
      if (line.find("obama2.jpg,obama,") == std::string::npos) continue;
      std::istringstream cells(line.substr(line.find(",obama,") + 7));
      std::string distance, confidence;
      std::getline(cells, distance, ',');
      std::getline(cells, confidence, ',');
      return std::make_pair(std::stod(distance), std::stod(confidence));
    }
    FAIL("no obama2.jpg,obama line in: " << out);
    return std::make_pair(0.0, 0.0);
  };
  std::map<bool, std::pair<double, double>> seen;
  for (const bool mirror : {false, true}) {
    std::vector<std::string> args{"compare", "--show-distance", known.path().string(), unknown.path().string()};
    if (mirror) args.insert(args.begin() + 1, "--mirror");
    const auto r = run_biosense(args);
    INFO("mirror " << mirror << ": " << r.out << r.err);
    REQUIRE(r.exit_code == 0);
    const auto names = names_by_file(r.out);
    using Names = std::multiset<std::string>;
    CHECK(names.at("obama2.jpg") == Names{"obama"});
    CHECK(names.at("two_people.jpg") == Names{"biden", "obama"});
    CHECK(names.at("kit_with_rose.jpg") == Names{"unknown_person", "unknown_person"});
    seen[mirror] = obama2(r.out);
    // The confidence comes from the calibration fit with the same encodings;
    // the mirrored one reads the two faces' mirror gaps too.
    std::optional<double> gaps;
    if (mirror) {
      EngineOptions options;
      options.mirror = true;
      options.max_dimension = 0;  // compare reads known photos at full size
      DlibEngine engine(biosense::test::shared_models(), options);
      const auto gap_of = [&](const char* file) {
        const auto analysis = engine.analyze(biosense::test::read_bytes(misc / file));
        return std::get<FaceAnalysis>(analysis).faces.at(0).mirror_gap;
      };
      gaps = pair_mirror_gaps(gap_of("obama.jpg"), gap_of("obama2.jpg"));
      REQUIRE(gaps);
    }
    CHECK(seen[mirror].second == Approx(load_calibration("", mirror)->percent(seen[mirror].first, gaps)).margin(0.01));
  }
  CHECK(seen[true].first != Approx(seen[false].first).margin(1e-4));  // other encodings, another distance
}

TEST_CASE("compare warns about known photos with no face or several", "[compare][slow]") {
  biosense::test::TempDir known;
  const auto misc = data_file("misc/face_recognition");
  std::filesystem::copy_file(misc / "two_people.jpg", known / "pair.jpg");
  biosense::test::write_bytes(known / "empty.png", biosense::test::flat_png(200, 200, 0, 0, 0));
  const auto r = run_biosense({"compare", known.path().string(), (misc / "biden.jpg").string()});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("No faces found in") && Catch::Contains("empty.png"));
  CHECK_THAT(r.err, Catch::Contains("More than one face found in") && Catch::Contains("pair.jpg"));
  // two_people.jpg's first face is Biden.
  CHECK_THAT(r.out, Catch::Contains("biden.jpg,pair"));
}

TEST_CASE("compare exit codes: 1 for a missing path, 2 for missing models", "[compare]") {
  const auto misc = data_file("misc/face_recognition");
  const auto missing = run_biosense({"compare", "/nonexistent/known", misc.string()});
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Catch::Contains("no such file"));
  biosense::test::TempDir empty;
  const auto no_models = run_biosense({"--models-dir", empty.path().string(), "compare", misc.string(), misc.string()});
  CHECK(no_models.exit_code == 2);
  CHECK_THAT(no_models.err, Catch::Contains("not found"));
}
