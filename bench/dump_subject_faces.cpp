/// The inputs of the calibration survey (docs/accuracy.md, "Mirror gaps"):
/// for each photo path on stdin (relative to the folder given as the only
/// argument), the subject face as `evaluate` picks it (subject_face()), with
/// evaluate's detection (HOG at upsample 1, CNN retry) and mirrored encodings.
/// One line per photo:
///   <path> <faces> <box short side px> <sharpness> <mirror gap> <encoding length> <128 encoding values>
/// or "<path> none" when no face is found or the photo cannot be read.
/// bench/mirror_gap_survey.sh runs it; `cmake --build build --target dump_subject_faces`.
#include <cmath>
#include <iostream>
#include <string>

#include "biosense/calibration/score_pairs.hpp"
#include "biosense/engine/dlib_engine.hpp"

int main(int argc, char** argv) {
  using namespace biosense;
  if (argc != 2) {
    std::cerr << "usage: dump_subject_faces IMAGES_DIR < paths\n";
    return 1;
  }
  const std::string dir = argv[1];
  EngineOptions options;
  options.retry_detector = Detector::Cnn;
  options.retry_upsample = 0;
  options.mirror = true;
  DlibEngine engine(Models::load({}, true), options);
  std::cout.precision(7);
  std::string path;
  while (std::getline(std::cin, path)) {
    auto bytes = read_image_file(dir + "/" + path, options.limits.max_bytes);
    const auto analysis =
        std::holds_alternative<Bytes>(bytes) ? engine.analyze(std::get<Bytes>(bytes)) : AnalysisResult{InvalidImage{}};
    const auto* faces = std::get_if<FaceAnalysis>(&analysis);
    const Face* face = faces ? subject_face(*faces) : nullptr;
    if (face == nullptr || !face->mirror_gap) {
      std::cout << path << " none\n";
      continue;
    }
    double length = 0;
    for (float v : face->encoding) length += static_cast<double>(v) * v;
    std::cout << path << ' ' << faces->faces.size() << ' ' << std::min(face->box.width(), face->box.height()) << ' '
              << face->sharpness << ' ' << *face->mirror_gap << ' ' << std::sqrt(length);
    for (float v : face->encoding) std::cout << ' ' << v;
    std::cout << '\n';
  }
  return 0;
}
