#include "detectors.hpp"

#include <dlib/image_transforms.h>

#include <algorithm>
#include <cmath>

#include "biosense/engine/yunet.hpp"
#include "net.hpp"

namespace biosense::detail {
namespace {

/// face_recognition's detector call: upsample with pyramid_up (pyramid_down<2>)
/// `upsample` times, detect, and map the boxes back down.
template <typename Detect>
std::vector<dlib::rectangle> detect_upsampled(const RgbImage& image, int upsample, Detect detect) {
  if (upsample <= 0) return detect(image);
  dlib::pyramid_down<2> pyr;
  RgbImage up;
  dlib::pyramid_up(image, up, pyr);
  for (int i = 1; i < upsample; ++i) dlib::pyramid_up(up);
  std::vector<dlib::rectangle> boxes = detect(up);
  for (auto& box : boxes) box = pyr.rect_down(box, static_cast<unsigned int>(upsample));
  return boxes;
}

class HogDetector final : public FaceDetector {
 public:
  std::vector<dlib::rectangle> detect(const RgbImage& image, int upsample) override {
    return detect_upsampled(image, upsample, [&](const RgbImage& img) { return hog_(img); });
  }

 private:
  dlib::frontal_face_detector hog_ = dlib::get_frontal_face_detector();
};

/// dlib's MMOD network over the image, shrunk first when its longest side is
/// over `max_dimension` (the network's memory grows with the pixel count:
/// 2.6 GB at 1600x1600); boxes come back in the image's coordinates.
class CnnDetector final : public FaceDetector {
 public:
  CnnDetector(const net::mmod_type& shared, long max_dimension) : cnn_(shared), max_dimension_(max_dimension) {}
  std::vector<dlib::rectangle> detect(const RgbImage& image, int upsample) override {
    RgbImage small;
    const double scale_back = shrink_longest_side(image, max_dimension_, small);
    const RgbImage& input = scale_back == 1.0 ? image : small;
    std::vector<dlib::rectangle> boxes = detect_upsampled(input, upsample, [&](const RgbImage& img) {
      std::vector<dlib::rectangle> found;
      for (const auto& d : cnn_(img)) found.push_back(d.rect);
      return found;
    });
    if (scale_back != 1.0)
      for (auto& r : boxes) r = scaled_rectangle(r, scale_back);
    return boxes;
  }

 private:
  net::mmod_type cnn_;  ///< this thread's copy
  long max_dimension_;
};

class YunetDetector final : public FaceDetector {
 public:
  explicit YunetDetector(std::shared_ptr<const YunetLibrary> library) : library_(std::move(library)) {}
  std::vector<dlib::rectangle> detect(const RgbImage& image, int /*upsample*/) override {
    std::vector<dlib::rectangle> boxes;
    for (const YunetFace& face : select_faces(library_->detect(image))) boxes.push_back(hog_box(face.box));
    return boxes;
  }

 private:
  std::shared_ptr<const YunetLibrary> library_;
};

}  // namespace

double shrink_longest_side(const RgbImage& image, long max_dimension, RgbImage& out) {
  const long longest = std::max(image.nr(), image.nc());
  if (max_dimension <= 0 || longest <= max_dimension) return 1.0;
  const double f = static_cast<double>(max_dimension) / static_cast<double>(longest);
  out.set_size(std::max(1L, std::lround(static_cast<double>(image.nr()) * f)),
               std::max(1L, std::lround(static_cast<double>(image.nc()) * f)));
  dlib::resize_image(image, out, dlib::interpolate_bilinear());
  return static_cast<double>(longest) / static_cast<double>(std::max(out.nr(), out.nc()));
}

dlib::rectangle scaled_rectangle(const dlib::rectangle& r, double scale) {
  auto s = [scale](long v) { return static_cast<long>(std::lround(static_cast<double>(v) * scale)); };
  return dlib::rectangle(s(r.left()), s(r.top()), s(r.right()), s(r.bottom()));
}

std::unique_ptr<FaceDetector> make_face_detector(Detector kind, const std::shared_ptr<const Models>& models,
                                                 long cnn_max_dimension) {
  switch (kind) {
    case Detector::Hog: return std::make_unique<HogDetector>();
    case Detector::Cnn: {
      const auto& shared = models->loaded().cnn_detector;
      if (!shared) throw ModelError("the CNN detector was asked for but not loaded (Models::load with cnn)");
      return std::make_unique<CnnDetector>(*shared, cnn_max_dimension);
    }
    case Detector::Yunet: {
      const auto& library = models->loaded().yunet;
      if (!library) throw ModelError("the YuNet detector was asked for but not loaded (Models::load with yunet)");
      return std::make_unique<YunetDetector>(library);
    }
  }
  throw ModelError("unknown detector");
}

}  // namespace biosense::detail
