/// The detector seam: names, the CPU check, YuNet's box selection and
/// mapping, and YuNet on real photos against HOG.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <thread>

#include "biosense/cli/invocation.hpp"
#include "biosense/engine/detector.hpp"
#include "biosense/engine/dlib_engine.hpp"
#include "biosense/engine/yunet.hpp"
#include "support/engine_support.hpp"
#include "support/test_support.hpp"

using namespace biosense;
using biosense::test::data_file;
using biosense::test::read_bytes;

namespace {

/// The real weights with YuNet's library, loaded once per test process.
std::shared_ptr<const Models> yunet_models() {
  static const std::shared_ptr<const Models> models = Models::load({}, false, true);
  return models;
}

FaceAnalysis analyze(DlibEngine& engine, const std::filesystem::path& file) {
  const AnalysisResult result = engine.analyze(read_bytes(file));
  if (const auto* bad = std::get_if<InvalidImage>(&result)) FAIL(file << ": " << bad->reason);
  return std::get<FaceAnalysis>(result);
}

double overlap(const FaceBox& a, const FaceBox& b) {  // intersection over union
  const dlib::rectangle ra(a.left, a.top, a.right, a.bottom), rb(b.left, b.top, b.right, b.bottom);
  const double shared = static_cast<double>(ra.intersect(rb).area());
  return shared / static_cast<double>(ra.area() + rb.area() - ra.intersect(rb).area());
}

double distance(const Encoding& a, const Encoding& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(sum);
}

const char* kWebcamFrame =
    "webcam-dev/replay-attack/devel__real__real__client003_session01_webcam_authenticate_adverse_1/frame_00000.jpg";

EngineOptions yunet_options() {
  EngineOptions o;
  o.detector = Detector::Yunet;
  return o;
}

}  // namespace

TEST_CASE("detectors have names, and only those names", "[detector]") {
  for (Detector d : {Detector::Hog, Detector::Cnn, Detector::Yunet}) CHECK(parse_detector(detector_name(d)) == d);
  CHECK(detector_name(Detector::Yunet) == "yunet");
  CHECK_FALSE(parse_detector("YuNet").has_value());
  CHECK_FALSE(parse_detector("").has_value());
  CHECK_FALSE(parse_detector("mtcnn").has_value());
}

TEST_CASE("YuNet runs only where the CPU has AVX2 and FMA; elsewhere HOG takes its place", "[detector]") {
  const CpuFeatures old_cpu{false, false}, avx2_only{true, false}, modern{true, true};
  CHECK_FALSE(detector_runs_on(Detector::Yunet, old_cpu));
  CHECK_FALSE(detector_runs_on(Detector::Yunet, avx2_only));
  CHECK(detector_runs_on(Detector::Yunet, modern));
  for (const CpuFeatures& cpu : {old_cpu, avx2_only, modern}) {
    CHECK(detector_runs_on(Detector::Hog, cpu));
    CHECK(detector_runs_on(Detector::Cnn, cpu));
  }
  CHECK(fallback_warning(Detector::Yunet, old_cpu).find("AVX2") != std::string::npos);
  CHECK(fallback_warning(Detector::Yunet, avx2_only).find("detecting with hog") != std::string::npos);
  CHECK(fallback_warning(Detector::Yunet, modern).empty());
  CHECK(fallback_warning(Detector::Hog, old_cpu).empty());
  CHECK(fallback_warning(Detector::Cnn, old_cpu).empty());
  const bool here = detector_runs_here(Detector::Yunet);
  CHECK(runnable_detector(Detector::Yunet) == (here ? Detector::Yunet : Detector::Hog));
  CHECK(runnable_detector(Detector::Cnn) == Detector::Cnn);

  // The pass's options carry the fallback into the engine and the encoding version.
  DetectionOptions asked{Detector::Yunet, 1, Detector::Yunet, 0, 1, true, 320};
  EngineOptions engine;
  asked.apply_to(engine);
  CHECK(engine.detector == runnable_detector(Detector::Yunet));
  CHECK(engine.retry_detector == runnable_detector(Detector::Yunet));
  CHECK(engine.detect_max_dimension == 320);
  CHECK(asked.describe() == (here ? "yunet, retry yunet, at 320 px" : "hog 1, retry hog 0, at 320 px"));
}

TEST_CASE("the encoding version names a detector other than HOG", "[detector]") {
  EngineOptions o;
  o.mirror = true;
  CHECK(encoding_version(o) == std::string(kModelVersion) + "+mirror");
  o.detector = Detector::Yunet;
  CHECK(encoding_version(o) == std::string(kModelVersion) + "+mirror+yunet");
  o.detector = Detector::Cnn;
  CHECK(encoding_version(o) == std::string(kModelVersion) + "+mirror+cnn");
  o.detector = Detector::Hog;  // the second look's detector does not change the version
  o.retry_detector = Detector::Yunet;
  o.retry_upsample = 0;
  CHECK(encoding_version(o) == std::string(kModelVersion) + "+mirror");
}

TEST_CASE("YuNet's answer: weak boxes dropped, nested boxes of one face kept once", "[detector]") {
  const auto box = [](long l, long t, long w, long h) { return dlib::rectangle(l, t, l + w - 1, t + h - 1); };
  std::vector<YunetFace> answer{
      {box(958, 411, 241, 332), 63},  // nested in the next, less confident
      {box(1037, 437, 158, 209), 92},
      {box(10, 10, 60, 60), 88},      // another face
      {box(300, 300, 40, 40), 69},    // background texture
      {box(1040, 440, 150, 200), 75}  // the first face again
  };
  const auto kept = select_faces(answer);
  REQUIRE(kept.size() == 2);
  CHECK(kept[0].confidence == 92);
  CHECK(kept[1].confidence == 88);
  // A lower bar lets the background box in, never the nested boxes of the first face.
  const auto lenient = select_faces(answer, 50);
  REQUIRE(lenient.size() == 3);
  CHECK(lenient[2].confidence == 69);
  CHECK(select_faces(answer, 95).empty());
  CHECK(select_faces({}).empty());
  // Side by side, touching faces are two.
  CHECK(select_faces({{box(0, 0, 100, 100), 90}, {box(90, 0, 100, 100), 90}}).size() == 2);
}

TEST_CASE("YuNet's boxes are mapped to HOG's framing", "[detector]") {
  const dlib::rectangle mapped = hog_box(dlib::rectangle(0, 0, 99, 99));
  // Centre (50 - 2.8, 50 + 4.7), 114 wide, 85.7 high.
  CHECK(mapped.left() == -10);
  CHECK(mapped.top() == 12);
  CHECK(mapped.right() == 103);
  CHECK(mapped.bottom() == 97);
}

TEST_CASE("loading YuNet without its library is a ModelError naming the file", "[detector]") {
  biosense::test::TempDir dir;
  if (!detector_runs_here(Detector::Yunet)) {
    CHECK_THROWS_WITH(YunetLibrary::load(dir.path()), Catch::Contains("AVX2"));
    return;
  }
  CHECK_THROWS_AS(YunetLibrary::load(dir.path()), ModelError);
  CHECK_THROWS_WITH(YunetLibrary::load(dir.path()), Catch::Contains(kYunetOpenMp));
  const std::string junk = "not a library";
  biosense::test::write_bytes(dir / kYunetOpenMp, Bytes(junk.begin(), junk.end()));
  biosense::test::write_bytes(dir / kYunetLibrary, Bytes(junk.begin(), junk.end()));
  CHECK_THROWS_WITH(YunetLibrary::load(dir.path()), Catch::Contains("cannot load"));
}

TEST_CASE("YuNet finds the webcam face where HOG does, and its encoding stays close", "[detector][slow]") {
  if (!detector_runs_here(Detector::Yunet)) {
    WARN("this CPU cannot run YuNet (no AVX2/FMA): nothing to check");
    return;
  }
  EngineOptions hog_options;
  hog_options.mirror = true;
  EngineOptions fast = yunet_options();
  fast.mirror = true;
  DlibEngine hog(yunet_models(), hog_options), yunet(yunet_models(), fast);
  const auto by_hog = analyze(hog, data_file(kWebcamFrame));
  const auto by_yunet = analyze(yunet, data_file(kWebcamFrame));
  REQUIRE(by_hog.faces.size() == 1);
  REQUIRE(by_yunet.faces.size() == 1);
  CHECK(overlap(by_hog.faces[0].box, by_yunet.faces[0].box) > 0.7);
  CHECK(distance(by_hog.faces[0].encoding, by_yunet.faces[0].encoding) < 0.1);
  CHECK(by_yunet.faces[0].mirror_gap.has_value());

  // Detecting on the frame shrunk to 160 px gives about the same box, in the frame's pixels.
  EngineOptions small = fast;
  small.detect_max_dimension = 160;
  DlibEngine shrinking(yunet_models(), small);
  const auto by_small = analyze(shrinking, data_file(kWebcamFrame));
  REQUIRE(by_small.faces.size() == 1);
  CHECK(overlap(by_small.faces[0].box, by_yunet.faces[0].box) > 0.7);
}

TEST_CASE("YuNet finds every face of the misc photos, a second person too, and none in a flat image",
          "[detector][slow]") {
  if (!detector_runs_here(Detector::Yunet)) {
    WARN("this CPU cannot run YuNet (no AVX2/FMA): nothing to check");
    return;
  }
  EngineOptions o = yunet_options();
  o.detect_max_dimension = 320;  // the pass's default
  DlibEngine engine(yunet_models(), o);
  auto faces_in = [&](const char* rel) { return analyze(engine, data_file(rel)).faces.size(); };
  CHECK(faces_in("misc/face_recognition/obama-1080p.jpg") == 1);
  CHECK(faces_in("misc/face_recognition/two_people.jpg") == 2);
  CHECK(faces_in("misc/deepface/couple.jpg") == 2);
  CHECK(faces_in(kWebcamFrame) == 1);
  CHECK(std::get<FaceAnalysis>(engine.analyze(biosense::test::flat_png(640, 480, 90, 120, 200))).faces.empty());
}

TEST_CASE("YuNet in parallel engine threads finds what one thread finds", "[detector][slow]") {
  if (!detector_runs_here(Detector::Yunet)) {
    WARN("this CPU cannot run YuNet (no AVX2/FMA): nothing to check");
    return;
  }
  // One library, shared by every engine (as the pass's threads and the
  // consumers share it): the detections must not depend on the others.
  const std::vector<std::filesystem::path> files{data_file(kWebcamFrame),
                                                 data_file("misc/face_recognition/two_people.jpg"),
                                                 data_file("misc/deepface/couple.jpg")};
  const auto library = YunetLibrary::load(yunet_models()->directory());
  auto decode = [](const std::filesystem::path& file) {
    const Bytes bytes = read_bytes(file);
    return std::get<RgbImage>(decode_image(bytes.data(), bytes.size(), ImageLimits{}));
  };
  auto boxes_in = [&](const std::filesystem::path& file) {
    std::vector<std::vector<long>> boxes;
    for (const auto& face : library->detect(decode(file)))
      boxes.push_back({face.box.left(), face.box.top(), face.box.right(), face.box.bottom(), face.confidence});
    return boxes;
  };
  std::vector<std::vector<std::vector<long>>> expected;
  for (const auto& file : files) expected.push_back(boxes_in(file));
  std::vector<int> mismatches(3, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 10; ++round) {
        for (std::size_t i = 0; i < files.size(); ++i)
          if (boxes_in(files[i]) != expected[i]) ++mismatches[t];
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int m : mismatches) CHECK(m == 0);
  for (const auto& boxes : expected) CHECK_FALSE(boxes.empty());
}
