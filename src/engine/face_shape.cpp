/// The watch's view of a snapshot: thumbnail, 68-point landmarks, encodings.
#include "biosense/engine/face_shape.hpp"

#include <dlib/image_processing.h>

#include <algorithm>

#include <fmt/format.h>

namespace biosense {

struct ShapeModelState {
  dlib::shape_predictor predictor;
};

ShapeModel68::ShapeModel68(std::unique_ptr<ShapeModelState> state) : state_(std::move(state)) {}
ShapeModel68::~ShapeModel68() = default;

std::shared_ptr<const ShapeModel68> ShapeModel68::load(const std::filesystem::path& explicit_dir) {
  const auto file = find_model(kShapePredictor68, explicit_dir);
  auto state = std::make_unique<ShapeModelState>();
  try {
    dlib::deserialize(file.string()) >> state->predictor;
  } catch (const std::exception& e) {
    throw ModelError(fmt::format("cannot load {}: {}", file.string(), e.what()));
  }
  if (state->predictor.num_parts() != kShapePoints)
    throw ModelError(
        fmt::format("{} has {} landmarks, expected {}", file.string(), state->predictor.num_parts(), kShapePoints));
  return std::make_shared<ShapeModel68>(std::move(state));
}

FaceShapeEngine::FaceShapeEngine(std::shared_ptr<const Models> models, std::shared_ptr<const ShapeModel68> shape,
                                 EngineOptions options)
    : engine_(std::move(models), options),
      shape_(std::move(shape)),
      local_(std::make_unique<ShapeModelState>(shape_->state())) {}

FaceShapeEngine::~FaceShapeEngine() = default;

std::vector<float> frame_thumbnail(const RgbImage& image) {
  const long side = kThumbnailSide;
  std::vector<float> thumb(static_cast<std::size_t>(side * side), 0.0f);
  if (image.nr() == 0 || image.nc() == 0) return thumb;
  std::vector<double> sum(thumb.size(), 0.0);
  std::vector<long> count(thumb.size(), 0);
  for (long r = 0; r < image.nr(); ++r) {
    const long tr = r * side / image.nr();
    for (long c = 0; c < image.nc(); ++c) {
      const long tc = c * side / image.nc();
      const auto& p = image(r, c);
      // ITU-R BT.601 luma, as PIL's convert("L").
      const double grey = 0.299 * p.red + 0.587 * p.green + 0.114 * p.blue;
      const auto i = static_cast<std::size_t>(tr * side + tc);
      sum[i] += grey;
      ++count[i];
    }
  }
  for (std::size_t i = 0; i < thumb.size(); ++i)
    thumb[i] = count[i] > 0 ? static_cast<float>(sum[i] / static_cast<double>(count[i])) : 0.0f;
  return thumb;
}

FrameResult FaceShapeEngine::analyze(const Bytes& bytes, bool with_faces) {
  DecodeResult decoded = decode_image(bytes, engine_.options().limits);
  if (auto* invalid = std::get_if<InvalidImage>(&decoded)) return *invalid;
  const RgbImage& image = std::get<RgbImage>(decoded);
  FrameAnalysis frame;
  frame.width = image.nc();
  frame.height = image.nr();
  frame.thumbnail = frame_thumbnail(image);
  if (!with_faces) return frame;

  const FaceAnalysis faces = engine_.analyze_image(image);
  for (const Face& face : faces.faces) {
    ShapedFace shaped;
    shaped.box = face.box;
    shaped.encoding = face.encoding;
    const dlib::rectangle rect(face.box.left, face.box.top, face.box.right, face.box.bottom);
    const dlib::full_object_detection det = local_->predictor(image, rect);
    for (unsigned long i = 0; i < det.num_parts() && i < kShapePoints; ++i)
      shaped.points[i] = Point2{static_cast<double>(det.part(i).x()), static_cast<double>(det.part(i).y())};
    frame.faces.push_back(shaped);
  }
  std::stable_sort(frame.faces.begin(), frame.faces.end(), [](const ShapedFace& a, const ShapedFace& b) {
    return a.box.width() * a.box.height() > b.box.width() * b.box.height();
  });
  return frame;
}

}  // namespace biosense
