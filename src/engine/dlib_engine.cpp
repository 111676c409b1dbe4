#include "biosense/engine/dlib_engine.hpp"

#include <dlib/image_transforms.h>

#include <algorithm>
#include <array>

#include "detectors.hpp"
#include "net.hpp"

namespace biosense {

StageTimes& StageTimes::operator+=(const StageTimes& o) {
  decode += o.decode;
  detect += o.detect;
  landmarks += o.landmarks;
  encode += o.encode;
  images += o.images;
  faces += o.faces;
  return *this;
}

struct EngineState {
  /// This thread's detector of each kind (Detector's order), made on first use.
  std::array<std::unique_ptr<FaceDetector>, 3> detectors;
  dlib::shape_predictor landmarks5;
  net::anet_type encoder;
};

namespace {

class StageClock {
 public:
  explicit StageClock(StageTimes::Duration& sink) : sink_(sink), start_(std::chrono::steady_clock::now()) {}
  ~StageClock() { sink_ += std::chrono::steady_clock::now() - start_; }
  StageClock(const StageClock&) = delete;
  StageClock& operator=(const StageClock&) = delete;

 private:
  StageTimes::Duration& sink_;
  std::chrono::steady_clock::time_point start_;
};

/// Variance of a 3x3 Laplacian over the grey chip (a standard focus measure).
double chip_sharpness(const RgbImage& chip) {
  dlib::matrix<float> grey;
  dlib::assign_image(grey, chip);
  double sum = 0.0, sum_sq = 0.0;
  long n = 0;
  for (long r = 1; r + 1 < grey.nr(); ++r) {
    for (long c = 1; c + 1 < grey.nc(); ++c) {
      const double lap = 4.0 * grey(r, c) - grey(r - 1, c) - grey(r + 1, c) - grey(r, c - 1) - grey(r, c + 1);
      sum += lap;
      sum_sq += lap * lap;
      ++n;
    }
  }
  if (n == 0) return 0.0;
  const double mean = sum / static_cast<double>(n);
  return sum_sq / static_cast<double>(n) - mean * mean;
}

FaceBox scaled_box(const dlib::rectangle& r, double scale) {
  auto s = [scale](long v) { return static_cast<long>(std::lround(static_cast<double>(v) * scale)); };
  return FaceBox{s(r.left()), s(r.top()), s(r.right()), s(r.bottom())};
}

}  // namespace

std::string encoding_version(const EngineOptions& options) {
  std::string version = kModelVersion;
  if (options.mirror) version += "+mirror";
  if (options.jitters > 1) version += "+jitter" + std::to_string(options.jitters);
  if (options.detector != Detector::Hog) version += "+" + detector_name(options.detector);
  return version;
}

DlibEngine::DlibEngine(std::shared_ptr<const Models> models, EngineOptions options)
    : models_(std::move(models)), options_(options), state_(std::make_unique<EngineState>()) {
  state_->landmarks5 = models_->loaded().landmarks5;
  state_->encoder = models_->loaded().encoder;
}

DlibEngine::~DlibEngine() = default;

void DlibEngine::set_options(const EngineOptions& options) {
  if (options.cnn_max_dimension != options_.cnn_max_dimension) state_->detectors = {};  // the CNN's cap is its own
  options_ = options;
}

DlibEngine::EncodedChips DlibEngine::encode_chips(const std::vector<RgbImage>& chips) {
  if (chips.empty() || (options_.jitters <= 1 && !options_.mirror))
    return {state_->encoder(chips, 16), std::vector<std::optional<double>>(chips.size())};
  // Each chip's views: the chip (and its mirror image with options_.mirror),
  // each as it is or as face_recognition's num_jitters jittered copies. The
  // jitter generator restarts from its fixed seed for every view, so a photo's
  // encoding does not depend on which photos this engine saw before it (the
  // same row decided by any thread, consumer or reprocess gets the same numbers).
  const int copies_per_view = std::max(1, options_.jitters);
  std::vector<RgbImage> copies;
  for (const auto& chip : chips) {
    std::vector<RgbImage> views{chip};
    if (options_.mirror) {
      views.emplace_back();
      dlib::flip_image_left_right(chip, views.back());
    }
    for (const RgbImage& view : views) {
      if (copies_per_view == 1) {
        copies.push_back(view);
        continue;
      }
      dlib::rand random;
      for (int i = 0; i < copies_per_view; ++i) copies.push_back(dlib::jitter_image(view, random));
    }
  }
  const std::vector<dlib::matrix<float, 0, 1>> encoded = state_->encoder(copies, 16);
  const std::size_t per_chip = encoded.size() / chips.size();
  const std::size_t per_view = static_cast<std::size_t>(copies_per_view);
  auto view_sum = [&](std::size_t first) {
    dlib::matrix<float, 0, 1> sum = encoded[first];
    for (std::size_t k = 1; k < per_view; ++k) sum += encoded[first + k];
    return sum;
  };
  EncodedChips out;
  out.encodings.reserve(chips.size());
  out.mirror_gaps.resize(chips.size());
  for (std::size_t c = 0; c < chips.size(); ++c) {
    const dlib::matrix<float, 0, 1> plain = view_sum(c * per_chip);
    if (!options_.mirror) {
      out.encodings.push_back(plain / static_cast<float>(per_view));
      continue;
    }
    const dlib::matrix<float, 0, 1> mirrored = view_sum(c * per_chip + per_view);
    out.encodings.push_back((plain + mirrored) / static_cast<float>(per_chip));
    out.mirror_gaps[c] = static_cast<double>(dlib::length(plain - mirrored)) / static_cast<double>(per_view);
  }
  return out;
}

Encoding DlibEngine::encode_chip(const RgbImage& chip) {
  const auto encoded = encode_chips({chip}).encodings;
  Encoding out{};
  std::copy(encoded.front().begin(), encoded.front().end(), out.begin());
  return out;
}

std::vector<dlib::rectangle> DlibEngine::detect_faces(const RgbImage& image, Detector kind, int upsample, bool shrink) {
  auto& detector = state_->detectors.at(static_cast<std::size_t>(kind));
  if (!detector) detector = detail::make_face_detector(kind, models_, options_.cnn_max_dimension);
  RgbImage small;
  const double scale_back = detail::shrink_longest_side(image, shrink ? options_.detect_max_dimension : 0, small);
  if (scale_back == 1.0) return detector->detect(image, upsample);
  std::vector<dlib::rectangle> boxes = detector->detect(small, upsample);
  for (auto& box : boxes) box = detail::scaled_rectangle(box, scale_back);
  return boxes;
}

AnalysisResult DlibEngine::analyze(const std::uint8_t* data, std::size_t size) {
  return decode_and_analyze(data, size, false);
}

AnalysisResult DlibEngine::analyze_enrolment(const std::uint8_t* data, std::size_t size) {
  return decode_and_analyze(data, size, true);
}

AnalysisResult DlibEngine::decode_and_analyze(const std::uint8_t* data, std::size_t size, bool enrolment) {
  DecodeResult decoded = [&] {
    StageClock clock(times_.decode);
    return decode_image(data, size, options_.limits);
  }();
  if (auto* invalid = std::get_if<InvalidImage>(&decoded)) return *invalid;
  return analyze_image(std::get<RgbImage>(decoded), enrolment);
}

FaceAnalysis DlibEngine::analyze_image(const RgbImage& original, bool enrolment) {
  FaceAnalysis result;
  result.width = original.nc();
  result.height = original.nr();
  ++times_.images;

  // Shrink very large photos first, as the face_recognition CLI does.
  RgbImage shrunk;
  double scale_back = 1.0;
  {
    StageClock clock(times_.decode);
    scale_back = detail::shrink_longest_side(original, options_.max_dimension, shrunk);
  }
  const RgbImage* image = scale_back == 1.0 ? &original : &shrunk;

  std::vector<dlib::rectangle> boxes;
  {
    StageClock clock(times_.detect);
    boxes = detect_faces(*image, options_.detector, options_.upsample);
    if (boxes.empty() && options_.retry_upsample >= 0)
      boxes = detect_faces(*image, options_.retry_detector, options_.retry_upsample);
    if (boxes.empty() && enrolment && options_.cnn_for_enrolment && !options_.detects_with_cnn())
      boxes = detect_faces(*image, Detector::Cnn, 0, false);  // at its own cap: the last look at a hard photo
  }
  if (boxes.empty()) return result;

  std::vector<dlib::chip_details> chips;
  {
    StageClock clock(times_.landmarks);
    chips.reserve(boxes.size());
    for (const auto& box : boxes)
      chips.push_back(dlib::get_face_chip_details(state_->landmarks5(*image, box), 150, 0.25));
  }
  {
    StageClock clock(times_.encode);
    // One chip at a time: dlib's batch extract_image_chips() builds its
    // pyramid over the bounding box of all chips, which makes a face's pixels
    // (and encoding) depend on the other faces in the photo. face_recognition
    // extracts per face; so do we. The network still runs one batched pass.
    std::vector<RgbImage> faces(chips.size());
    for (std::size_t i = 0; i < chips.size(); ++i) dlib::extract_image_chip(*image, chips[i], faces[i]);
    const EncodedChips encoded = encode_chips(faces);
    result.faces.resize(boxes.size());
    for (std::size_t i = 0; i < boxes.size(); ++i) {
      result.faces[i].box = scaled_box(boxes[i], scale_back);
      result.faces[i].sharpness = chip_sharpness(faces[i]);
      result.faces[i].mirror_gap = encoded.mirror_gaps[i];
      std::copy(encoded.encodings[i].begin(), encoded.encodings[i].end(), result.faces[i].encoding.begin());
    }
  }
  times_.faces += static_cast<long>(boxes.size());
  return result;
}

}  // namespace biosense
