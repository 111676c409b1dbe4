#pragma once
/// Plain values the engine produces and everything downstream consumes.
/// No dlib types here: the pipeline and storage see only these.
#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "biosense/engine/values.hpp"

namespace biosense {

/// A face's bounding box in the original image's pixel coordinates
/// (inclusive corners, as dlib reports them; may extend past the border).
struct FaceBox {
  long left = 0;
  long top = 0;
  long right = 0;
  long bottom = 0;
  long width() const { return right - left + 1; }
  long height() const { return bottom - top + 1; }
};

inline constexpr std::size_t kEncodingSize = 128;
using Encoding = std::array<float, kEncodingSize>;

struct Face {
  FaceBox box;
  Encoding encoding{};
  /// Variance of the Laplacian of the grey 150x150 aligned chip: low means
  /// blurred. Comparable across photos because every chip has the same size.
  double sharpness = 0.0;
  /// With mirrored encodings (EngineOptions::mirror): the distance between
  /// the encodings of the chip and of its mirror image. Large for a turned,
  /// tilted or half-hidden face, whose encoding is less sure; the calibration
  /// reads it (docs/accuracy.md, "Mirror gaps"). Unset without mirroring.
  std::optional<double> mirror_gap = std::nullopt;
};

/// Every face found in one image, in detector order.
struct FaceAnalysis {
  long width = 0;   ///< decoded image width
  long height = 0;  ///< decoded image height
  std::vector<Face> faces;
};

using AnalysisResult = std::variant<FaceAnalysis, InvalidImage>;

/// Euclidean distance between two encodings: 0 for the same face, and the
/// model was trained so that the same person stays under about 0.6.
inline double face_distance(const Encoding& a, const Encoding& b) {
  double sum = 0.0;
  for (std::size_t i = 0; i < kEncodingSize; ++i) {
    const double d = static_cast<double>(a[i]) - static_cast<double>(b[i]);
    sum += d * d;
  }
  return std::sqrt(sum);
}

/// What the pipeline needs of a face engine; tests substitute a fake.
/// Implementations need not be thread-safe: use one instance per thread.
class FaceEngine {
 public:
  virtual ~FaceEngine() = default;
  /// Decodes and analyses an encoded photo. Bad bytes give InvalidImage.
  virtual AnalysisResult analyze(const std::uint8_t* data, std::size_t size) = 0;
  AnalysisResult analyze(const Bytes& bytes) { return analyze(bytes.data(), bytes.size()); }
  /// An enrolment photo, decided once per agent: an engine may look harder
  /// for its face than analyze() does. By default the same as analyze().
  virtual AnalysisResult analyze_enrolment(const std::uint8_t* data, std::size_t size) { return analyze(data, size); }
  AnalysisResult analyze_enrolment(const Bytes& bytes) { return analyze_enrolment(bytes.data(), bytes.size()); }
};

}  // namespace biosense
