/// Survey of face size and chip sharpness, for choosing the enrolment
/// thresholds (DecisionPolicy::min_face_px, min_sharpness; docs/pass.md).
/// Reads photo paths on stdin; for each photo, as it is and blurred with a
/// Gaussian of sigma 2 and 4 px, prints one line per face:
///   <sigma> <short side of the face box, px> <chip sharpness>
/// Usage:
///   find "$BIOSENSE_TEST_DATA/lfw-view1/images" -name '*.jpg' | sort | awk 'NR%25==0' | head -150 > list
///   ls "$BIOSENSE_TEST_DATA"/celeba-dev/images/*.jpg | awk 'NR%8==0' | head -100 >> list
///   build/bench/face_quality < list > quality.txt
#include <dlib/image_transforms.h>

#include <iostream>
#include <string>

#include "biosense/engine/dlib_engine.hpp"

int main() {
  using namespace biosense;
  DlibEngine engine(Models::load(), EngineOptions{});
  std::string path;
  while (std::getline(std::cin, path)) {
    auto bytes = read_image_file(path, std::size_t{1} << 26);
    if (!std::holds_alternative<Bytes>(bytes)) continue;
    auto decoded = decode_image(std::get<Bytes>(bytes), {});
    if (!std::holds_alternative<RgbImage>(decoded)) continue;
    const RgbImage& photo = std::get<RgbImage>(decoded);
    for (double sigma : {0.0, 2.0, 4.0}) {
      RgbImage blurred;
      if (sigma > 0) dlib::gaussian_blur(photo, blurred, sigma);
      const FaceAnalysis analysis = engine.analyze_image(sigma > 0 ? blurred : photo);
      for (const Face& f : analysis.faces)
        std::cout << sigma << ' ' << std::min(f.box.width(), f.box.height()) << ' ' << f.sharpness << '\n';
    }
  }
  return 0;
}
