/// The engine against the reference: same faces, same boxes, same 128 numbers
/// as the Python face_recognition package (tests/fixtures/parity_encodings.csv).
#include <dlib/image_transforms.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "biosense/engine/dlib_engine.hpp"
#include "support/engine_support.hpp"
#include "support/test_support.hpp"

using namespace biosense;
using biosense::test::data_file;
using biosense::test::read_bytes;
using biosense::test::shared_models;

namespace {

struct ReferenceFace {
  FaceBox box;
  Encoding encoding{};
};

/// file -> faces in detector order, from the fixture.
std::map<std::string, std::vector<ReferenceFace>> load_reference() {
  std::ifstream in(std::filesystem::path(BIOSENSE_SOURCE_DIR) / "tests/fixtures/parity_encodings.csv");
  REQUIRE(in);
  std::map<std::string, std::vector<ReferenceFace>> faces;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string file, cell;
    std::getline(fields, file, ',');
    std::vector<double> values;
    while (std::getline(fields, cell, ',')) values.push_back(std::stod(cell));
    REQUIRE(values.size() == 5 + kEncodingSize);
    ReferenceFace face;
    face.box = FaceBox{static_cast<long>(values[1]), static_cast<long>(values[2]), static_cast<long>(values[3]),
                       static_cast<long>(values[4])};
    for (std::size_t i = 0; i < kEncodingSize; ++i) face.encoding[i] = static_cast<float>(values[5 + i]);
    faces[file].push_back(face);
  }
  return faces;
}

FaceAnalysis analyze(DlibEngine& engine, const std::filesystem::path& file) {
  const AnalysisResult result = engine.analyze(read_bytes(file));
  if (const auto* bad = std::get_if<InvalidImage>(&result)) FAIL(file << ": " << bad->reason);
  return std::get<FaceAnalysis>(result);
}

}  // namespace

TEST_CASE("encodings match the Python face_recognition package within 1e-4", "[engine][parity][slow]") {
  EngineOptions full_size;  // face_encodings() never shrinks a photo
  full_size.max_dimension = 0;
  DlibEngine engine(shared_models(), full_size);
  const auto reference = load_reference();
  REQUIRE(reference.size() >= 10);
  double worst = 0.0;
  for (const auto& [file, expected] : reference) {
    INFO(file);
    const FaceAnalysis analysis = analyze(engine, data_file(file));
    REQUIRE(analysis.faces.size() == expected.size());
    for (std::size_t f = 0; f < expected.size(); ++f) {
      const Face& face = analysis.faces[f];
      CHECK(face.box.left == expected[f].box.left);
      CHECK(face.box.top == expected[f].box.top);
      CHECK(face.box.right == expected[f].box.right);
      CHECK(face.box.bottom == expected[f].box.bottom);
      for (std::size_t i = 0; i < kEncodingSize; ++i) {
        const double diff = std::abs(static_cast<double>(face.encoding[i]) - expected[f].encoding[i]);
        worst = std::max(worst, diff);
      }
    }
  }
  INFO("largest absolute difference " << worst);
  CHECK(worst <= 1e-4);
}

TEST_CASE("distance is small for the same person and large for another", "[engine][slow]") {
  DlibEngine engine(shared_models(), EngineOptions{});
  const auto obama = analyze(engine, data_file("misc/face_recognition/obama.jpg"));
  const auto obama2 = analyze(engine, data_file("misc/face_recognition/obama2.jpg"));
  const auto biden = analyze(engine, data_file("misc/face_recognition/biden.jpg"));
  REQUIRE(obama.faces.size() == 1);
  REQUIRE(obama2.faces.size() == 1);
  REQUIRE(biden.faces.size() == 1);
  CHECK(face_distance(obama.faces[0].encoding, obama.faces[0].encoding) == 0.0);
  CHECK(face_distance(obama.faces[0].encoding, obama2.faces[0].encoding) < 0.6);
  CHECK(face_distance(obama.faces[0].encoding, biden.faces[0].encoding) > 0.6);
  CHECK(face_distance(obama.faces[0].encoding, biden.faces[0].encoding) ==
        Approx(face_distance(biden.faces[0].encoding, obama.faces[0].encoding)));
}

TEST_CASE("what the detector makes of the misc photos", "[engine][slow]") {
  DlibEngine engine(shared_models(), EngineOptions{});
  auto faces_in = [&](const char* rel) { return analyze(engine, data_file(rel)).faces.size(); };
  // Recorded behaviour at upsample 1 (face_recognition's default).
  CHECK(faces_in("misc/face_recognition/obama-1080p.jpg") == 1);  // shrunk to 1600 px first
  CHECK(faces_in("misc/face_recognition/obama-720p.jpg") == 1);
  CHECK(faces_in("misc/face_recognition/obama_partial_face.jpg") == 1);
  CHECK(faces_in("misc/face_recognition/obama_partial_face2.jpg") == 1);
  CHECK(faces_in("misc/face_recognition/two_people.jpg") == 2);
  CHECK(faces_in("misc/face_recognition/obama_and_biden.jpg") == 3);
  CHECK(faces_in("misc/deepface/couple.jpg") == 2);
  // A flat image has no face.
  CHECK(std::get<FaceAnalysis>(engine.analyze(biosense::test::flat_png(640, 480, 90, 120, 200))).faces.empty());
}

TEST_CASE("large photos are shrunk for detection and boxes come back in original pixels", "[engine][slow]") {
  EngineOptions full_size;
  full_size.max_dimension = 0;
  DlibEngine shrinking(shared_models(), EngineOptions{});  // 1600 px
  DlibEngine full(shared_models(), full_size);
  const auto file = data_file("misc/face_recognition/obama-1080p.jpg");
  const auto shrunk = analyze(shrinking, file);
  const auto whole = analyze(full, file);
  REQUIRE(shrunk.faces.size() == 1);
  REQUIRE(whole.faces.size() == 1);
  CHECK(shrunk.width == 1920);
  // The boxes overlap (intersection over union) although found at different
  // scales: had the shrunk box not been scaled back it would sit ~17% up-left.
  const FaceBox& a = shrunk.faces[0].box;
  const FaceBox& b = whole.faces[0].box;
  const double iw = static_cast<double>(std::min(a.right, b.right) - std::max(a.left, b.left) + 1);
  const double ih = static_cast<double>(std::min(a.bottom, b.bottom) - std::max(a.top, b.top) + 1);
  const double inter = std::max(0.0, iw) * std::max(0.0, ih);
  const double uni = static_cast<double>(a.width() * a.height() + b.width() * b.height()) - inter;
  CHECK(inter / uni > 0.7);
  CHECK(face_distance(shrunk.faces[0].encoding, whole.faces[0].encoding) < 0.15);
}

TEST_CASE("engines in parallel threads give the same encodings as one engine", "[engine][slow]") {
  const auto file = data_file("misc/face_recognition/two_people.jpg");
  DlibEngine single(shared_models(), EngineOptions{});
  const auto expected = analyze(single, file);
  std::vector<FaceAnalysis> results(2);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      DlibEngine engine(shared_models(), EngineOptions{});
      results[t] = std::get<FaceAnalysis>(engine.analyze(read_bytes(file)));
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) {
    REQUIRE(r.faces.size() == expected.faces.size());
    for (std::size_t f = 0; f < r.faces.size(); ++f) CHECK(r.faces[f].encoding == expected.faces[f].encoding);
  }
}

TEST_CASE("upsample 0 misses small faces that upsample 1 finds", "[engine][slow]") {
  EngineOptions coarse;
  coarse.upsample = 0;
  DlibEngine engine0(shared_models(), coarse);
  DlibEngine engine1(shared_models(), EngineOptions{});
  // LFW faces are ~100 px wide: found either way.
  const auto lfw = data_file("lfw-view1/images/AJ_Cook/AJ_Cook_0001.jpg");
  CHECK(analyze(engine0, lfw).faces.size() == 1);
  CHECK(analyze(engine1, lfw).faces.size() == 1);
  // The 480p Obama shrunk to a third: his face is now ~50 px, under HOG's
  // 80 px window, so only the upsampled pass finds it.
  const auto photo =
      std::get<RgbImage>(decode_image(read_bytes(data_file("misc/face_recognition/obama-480p.jpg")), {}));
  RgbImage small(photo.nr() / 3, photo.nc() / 3);
  dlib::resize_image(photo, small);
  REQUIRE(engine1.analyze_image(photo).faces.size() == 1);
  const FaceAnalysis found = engine1.analyze_image(small);
  REQUIRE(found.faces.size() == 1);
  CHECK(found.faces[0].box.width() < 80);
  CHECK(engine0.analyze_image(small).faces.empty());
}

TEST_CASE("missing or corrupt model files are a ModelError naming the file", "[engine]") {
  biosense::test::TempDir dir;
  CHECK_THROWS_WITH(Models::load(dir.path()), Catch::Contains(kShapePredictor5));
  for (const char* name : {kShapePredictor5, kRecognitionModel}) {
    const std::string junk = "not a dlib model";
    biosense::test::write_bytes(dir / name, Bytes(junk.begin(), junk.end()));
  }
  CHECK_THROWS_AS(Models::load(dir.path()), ModelError);
  CHECK_THROWS_WITH(Models::load(dir.path()), Catch::Contains("cannot load"));
}

TEST_CASE("the CNN retry finds the LFW faces HOG misses, and jitters stay close", "[engine][slow]") {
  // HOG misses this tilted face at upsample 1 (face_recognition's setting).
  const Bytes photo = read_bytes(data_file("lfw-view1/images/Arlen_Specter/Arlen_Specter_0003.jpg"));
  EngineOptions hog;
  DlibEngine plain(shared_models(), hog);
  CHECK(std::get<FaceAnalysis>(plain.analyze(photo)).faces.empty());

  EngineOptions adaptive = hog;
  adaptive.retry_detector = Detector::Cnn;
  adaptive.retry_upsample = 0;
  CHECK(adaptive.uses_cnn());
  // Without the CNN weights loaded, asking for it is a ModelError, not a crash.
  DlibEngine missing(shared_models(), adaptive);
  CHECK_THROWS_AS(missing.analyze(photo), ModelError);

  const auto with_cnn = Models::load({}, true);
  DlibEngine retrying(with_cnn, adaptive);
  const auto faces = std::get<FaceAnalysis>(retrying.analyze(photo)).faces;
  REQUIRE(faces.size() == 1);
  CHECK(faces[0].box.width() > 60);

  // The pass's setting: HOG alone for snapshots, the CNN's look for an
  // enrolment photo only.
  EngineOptions enrolment = hog;
  enrolment.cnn_for_enrolment = true;
  CHECK(enrolment.uses_cnn());
  DlibEngine pass_engine(with_cnn, enrolment);
  CHECK(std::get<FaceAnalysis>(pass_engine.analyze(photo)).faces.empty());
  const auto enrolled = std::get<FaceAnalysis>(pass_engine.analyze_enrolment(photo)).faces;
  REQUIRE(enrolled.size() == 1);
  CHECK(face_distance(enrolled[0].encoding, faces[0].encoding) < 1e-6);         // the same face as the retry's
  CHECK(std::get<FaceAnalysis>(plain.analyze_enrolment(photo)).faces.empty());  // off: as analyze()

  // The same person's other photo is within the tolerance; a jittered
  // encoding (mean of 5 copies) stays close to the plain one.
  const Bytes other = read_bytes(data_file("lfw-view1/images/Arlen_Specter/Arlen_Specter_0001.jpg"));
  const auto plain_other = std::get<FaceAnalysis>(plain.analyze(other)).faces;
  REQUIRE(plain_other.size() == 1);
  CHECK(face_distance(faces[0].encoding, plain_other[0].encoding) < 0.6);
  EngineOptions jittered = hog;
  jittered.jitters = 5;
  DlibEngine jitter(shared_models(), jittered);
  const auto jitter_other = std::get<FaceAnalysis>(jitter.analyze(other)).faces;
  REQUIRE(jitter_other.size() == 1);
  const double moved = face_distance(jitter_other[0].encoding, plain_other[0].encoding);
  CHECK(moved > 0.0);
  CHECK(moved < 0.15);
}

TEST_CASE("a HOG retry at upsample 0 finds a face that upsample 1 misses, and only then looks", "[engine]") {
  // CelebA 118757.jpg (306x400): found at the photo's own scale, at no level
  // of upsample 1's pyramid (docs/accuracy.md, celeba-dev detection table).
  const Bytes photo = read_bytes(data_file("celeba-dev/images/118757.jpg"));
  EngineOptions once;  // face_recognition's: HOG at upsample 1, no second look
  DlibEngine plain(shared_models(), once);
  CHECK(std::get<FaceAnalysis>(plain.analyze(photo)).faces.empty());

  EngineOptions twice = once;
  twice.retry_detector = Detector::Hog;
  twice.retry_upsample = 0;
  CHECK_FALSE(twice.uses_cnn());
  DlibEngine retrying(shared_models(), twice);
  const auto faces = std::get<FaceAnalysis>(retrying.analyze(photo)).faces;
  REQUIRE(faces.size() == 1);
  CHECK(faces[0].box.width() > 60);  // a portrait's face, inside the photo
  CHECK(faces[0].box.left >= 0);
  CHECK(faces[0].box.right < 306);

  // Where upsample 1 finds faces, the retry never runs: the same faces.
  const Bytes two = read_bytes(data_file("misc/face_recognition/two_people.jpg"));
  const auto first = std::get<FaceAnalysis>(plain.analyze(two)).faces;
  const auto again = std::get<FaceAnalysis>(retrying.analyze(two)).faces;
  REQUIRE(first.size() == 2);
  REQUIRE(again.size() == first.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    CHECK(again[i].box.left == first[i].box.left);
    CHECK(again[i].box.top == first[i].box.top);
    CHECK(again[i].box.right == first[i].box.right);
    CHECK(again[i].box.bottom == first[i].box.bottom);
    CHECK(face_distance(again[i].encoding, first[i].encoding) == 0.0);
  }
}

TEST_CASE("the encoding version names how encodings are made", "[engine]") {
  EngineOptions o;
  CHECK(encoding_version(o) == kModelVersion);  // face_recognition's encodings
  o.mirror = true;
  CHECK(encoding_version(o) == std::string(kModelVersion) + "+mirror");
  o.jitters = 10;
  CHECK(encoding_version(o) == std::string(kModelVersion) + "+mirror+jitter10");
  o.upsample = 0;  // detection does not change how a found face is encoded
  o.retry_upsample = 0;
  CHECK(encoding_version(o) == std::string(kModelVersion) + "+mirror+jitter10");
}

TEST_CASE("mirrored encodings are the mean of a chip's and its mirror image's, blind to a flip, with a mirror gap",
          "[engine]") {
  const Bytes bytes = read_bytes(data_file("misc/face_recognition/obama.jpg"));
  const auto decoded = decode_image(bytes, ImageLimits{});
  REQUIRE(std::holds_alternative<RgbImage>(decoded));
  const RgbImage& photo = std::get<RgbImage>(decoded);

  CHECK_FALSE(EngineOptions{}.mirror);  // the engine's default is face_recognition's math (the parity test)
  DlibEngine plain(shared_models(), EngineOptions{});
  EngineOptions with_mirror;
  with_mirror.mirror = true;
  DlibEngine mirrored(shared_models(), with_mirror);

  // On a chip: exactly the mean of the two views, so the chip and its mirror
  // image get the same numbers.
  RgbImage chip(150, 150), chip_flipped;
  dlib::resize_image(photo, chip);
  dlib::flip_image_left_right(chip, chip_flipped);
  const Encoding a = plain.encode_chip(chip), b = plain.encode_chip(chip_flipped);
  const Encoding m = mirrored.encode_chip(chip), m_flipped = mirrored.encode_chip(chip_flipped);
  REQUIRE(face_distance(a, b) > 0.01);  // the network itself is not blind to a flip
  for (std::size_t i = 0; i < m.size(); ++i) {
    CHECK(m[i] == Approx((a[i] + b[i]) / 2).margin(1e-5));
    CHECK(m_flipped[i] == Approx(m[i]).margin(1e-5));
  }

  // On a photo, where the flipped photo's chip is cut from its own landmarks:
  // a flip moves the mirrored encoding less than the plain one.
  RgbImage flipped;
  dlib::flip_image_left_right(photo, flipped);
  const auto one = [](DlibEngine& engine, const RgbImage& image) {
    const auto faces = engine.analyze_image(image).faces;
    REQUIRE(faces.size() == 1);
    return faces[0].encoding;
  };
  const Encoding plain_photo = one(plain, photo), mirror_photo = one(mirrored, photo);
  // Each face's mirror gap: how far its two views' encodings lie apart (the
  // mean is (a + b) / 2, so |a - b| = 2 |mean - a|); unset without mirroring.
  const Face mirrored_face = mirrored.analyze_image(photo).faces.at(0);
  REQUIRE(mirrored_face.mirror_gap);
  CHECK(*mirrored_face.mirror_gap == Approx(2.0 * face_distance(mirror_photo, plain_photo)).margin(1e-4));
  CHECK_FALSE(plain.analyze_image(photo).faces.at(0).mirror_gap);
  const double plain_moves = face_distance(plain_photo, one(plain, flipped));
  const double mirror_moves = face_distance(mirror_photo, one(mirrored, flipped));
  INFO("a flip moves the plain encoding " << plain_moves << ", the mirrored one " << mirror_moves);
  CHECK(mirror_moves < plain_moves * 0.75);
  CHECK(face_distance(mirror_photo, plain_photo) > 0.01);           // it is not the plain encoding...
  CHECK(face_distance(mirror_photo, plain_photo) < 0.15);           // ...but the same face
  CHECK(face_distance(one(mirrored, photo), mirror_photo) == 0.0);  // deterministic
}

TEST_CASE("the CNN detector sees large photos shrunk, and reports boxes in the photo's coordinates", "[engine][slow]") {
  // A 3000x3000 CelebA photo: shrunk to 1600 for every detector, then to
  // cnn_max_dimension (800) for the CNN. Both detectors must agree on where the face is.
  const Bytes photo = read_bytes(data_file("celeba-dev/images/118662.jpg"));
  DlibEngine hog(shared_models(), EngineOptions{});
  const auto largest = [](const std::vector<Face>& faces) {
    REQUIRE_FALSE(faces.empty());
    return *std::max_element(faces.begin(), faces.end(),
                             [](const Face& x, const Face& y) { return x.box.width() < y.box.width(); });
  };
  const Face hog_face = largest(std::get<FaceAnalysis>(hog.analyze(photo)).faces);
  CHECK(hog_face.box.width() > 200);  // the photo's subject, in 3000x3000 coordinates
  EngineOptions cnn_options;
  cnn_options.detector = Detector::Cnn;
  cnn_options.upsample = 0;
  REQUIRE(cnn_options.cnn_max_dimension == 800);
  DlibEngine cnn(Models::load({}, true), cnn_options);
  const auto analysis = std::get<FaceAnalysis>(cnn.analyze(photo));
  CHECK(analysis.width == 3000);
  const Face cnn_face = largest(analysis.faces);
  const FaceBox& a = hog_face.box;
  const FaceBox& b = cnn_face.box;
  const long overlap_w = std::min(a.right, b.right) - std::max(a.left, b.left) + 1;
  const long overlap_h = std::min(a.bottom, b.bottom) - std::max(a.top, b.top) + 1;
  REQUIRE(overlap_w > 0);
  REQUIRE(overlap_h > 0);
  const double inter = static_cast<double>(overlap_w * overlap_h);
  const double iou =
      inter / static_cast<double>(a.width() * a.height() + b.width() * b.height() - overlap_w * overlap_h);
  CHECK(iou > 0.5);
  CHECK(face_distance(hog_face.encoding, cnn_face.encoding) < 0.2);
}
