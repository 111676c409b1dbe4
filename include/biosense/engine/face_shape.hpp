#pragma once
/// What the watch needs of a snapshot beyond a verdict: the whole frame in
/// miniature, and for each face its 68-point landmarks, box and encoding.
///
/// The 68-point model (shape_predictor_68_face_landmarks.dat, ~100 MB) is
/// loaded once per process by ShapeModel68::load and shared read-only; each
/// FaceShapeEngine copies it, so, like DlibEngine, one engine per thread and
/// never one engine in two threads.
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <variant>
#include <vector>

#include "biosense/engine/dlib_engine.hpp"

namespace biosense {

struct Point2 {
  double x = 0.0;
  double y = 0.0;
};

inline constexpr std::size_t kShapePoints = 68;
using Shape68 = std::array<Point2, kShapePoints>;

/// A face with its iBUG 68-point landmarks (original image coordinates).
struct ShapedFace {
  FaceBox box;
  Shape68 points{};
  Encoding encoding{};
};

/// Side of the square grey thumbnail every frame is reduced to.
inline constexpr long kThumbnailSide = 32;

/// One decoded snapshot, reduced to what the watch compares across frames.
struct FrameAnalysis {
  long width = 0;
  long height = 0;
  /// kThumbnailSide^2 grey levels (row-major), each the mean of its block of
  /// the frame: a whole-frame fingerprint that sensor noise barely moves.
  std::vector<float> thumbnail;
  /// Every face, largest first. Empty when only the thumbnail was asked for.
  std::vector<ShapedFace> faces;
};

using FrameResult = std::variant<FrameAnalysis, InvalidImage>;

struct ShapeModelState;  // the dlib shape_predictor; defined in face_shape.cpp

/// The 68-point weights, deserialized once (found like every model, models.hpp).
class ShapeModel68 {
 public:
  /// Throws ModelError when the file is missing or corrupt.
  static std::shared_ptr<const ShapeModel68> load(const std::filesystem::path& explicit_dir = {});
  explicit ShapeModel68(std::unique_ptr<ShapeModelState> state);
  ~ShapeModel68();
  ShapeModel68(const ShapeModel68&) = delete;
  ShapeModel68& operator=(const ShapeModel68&) = delete;
  const ShapeModelState& state() const { return *state_; }

 private:
  std::unique_ptr<ShapeModelState> state_;
};

/// Not thread-safe: one instance per thread.
class FaceShapeEngine {
 public:
  FaceShapeEngine(std::shared_ptr<const Models> models, std::shared_ptr<const ShapeModel68> shape,
                  EngineOptions options = {});
  ~FaceShapeEngine();
  FaceShapeEngine(const FaceShapeEngine&) = delete;
  FaceShapeEngine& operator=(const FaceShapeEngine&) = delete;

  /// Decodes `bytes`; always fills the thumbnail, and the faces only when
  /// `with_faces` (detection, 68 points and encoding cost ~0.1-0.5 s a frame;
  /// the thumbnail a few ms). Bad bytes give InvalidImage, never an exception.
  FrameResult analyze(const Bytes& bytes, bool with_faces);

 private:
  DlibEngine engine_;
  std::shared_ptr<const ShapeModel68> shape_;
  std::unique_ptr<ShapeModelState> local_;  ///< this thread's copy of the predictor
};

/// The mean-of-blocks grey thumbnail of `image` (kThumbnailSide^2 values).
std::vector<float> frame_thumbnail(const RgbImage& image);

}  // namespace biosense
