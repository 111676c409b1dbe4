#pragma once
/// The face engine on dlib: HOG detection, 5-point landmarks, 150x150 chips
/// with 0.25 padding and the ResNet encoder — face_recognition's math, so one
/// photo gives the same 128 numbers (see tests/test_parity.cpp).
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "biosense/engine/detector.hpp"
#include "biosense/engine/face.hpp"
#include "biosense/engine/image.hpp"
#include "biosense/engine/models.hpp"

namespace biosense {

struct EngineOptions {
  Detector detector = Detector::Hog;
  /// Upsampling passes before detection; 1 finds faces down to ~40 px (face_recognition's default).
  int upsample = 1;
  /// When no face is found, detect once more with `retry_detector` at
  /// `retry_upsample` passes (adaptive detection); -1: no second try.
  Detector retry_detector = Detector::Hog;
  int retry_upsample = -1;
  /// analyze_enrolment(): when the detection above finds no face, one more
  /// look with the CNN detector (upsample 0). The pass leaves it off unless
  /// asked: the benchmarks it approves are weak (docs/pass.md).
  bool cnn_for_enrolment = false;
  /// Encodings averaged over this many randomly jittered copies of each
  /// chip (face_recognition's num_jitters); 1 encodes the chip as it is.
  int jitters = 1;
  /// Encode each chip and its left-right mirror image and average the two
  /// (test-time augmentation; docs/accuracy.md, "Mirrored encodings"). Off
  /// gives face_recognition's exact numbers (tests/test_parity.cpp).
  bool mirror = false;
  /// Larger photos are shrunk to this longest side before detection, as the
  /// face_recognition CLI does with unknown photos; boxes are reported in
  /// original coordinates. 0 keeps every photo at full size (the library's
  /// face_encodings() behaviour).
  long max_dimension = 1600;
  /// The CNN detector sees photos shrunk to this longest side (its memory
  /// grows with the pixel count: 2.6 GB peak RSS for a 1600x1600 photo, 0.76 GB at
  /// 800); boxes are mapped back. Faces under ~80 px in such a large photo are
  /// then missed by the CNN. 0: no cap.
  long cnn_max_dimension = 800;
  /// The detector and the second try see the photo shrunk to this longest
  /// side (after max_dimension; not cnn_for_enrolment's look, which has
  /// cnn_max_dimension); boxes are mapped back, and landmarks and encodings
  /// use the unshrunk photo. 0: detect at full size.
  long detect_max_dimension = 0;
  ImageLimits limits;

  /// The CNN is the detector or the second try's: every photo may meet it.
  bool detects_with_cnn() const {
    return detector == Detector::Cnn || (retry_upsample >= 0 && retry_detector == Detector::Cnn);
  }
  /// The CNN weights are needed (detection, or the enrolment look).
  bool uses_cnn() const { return detects_with_cnn() || cnn_for_enrolment; }
  /// YuNet's library is needed (it detects, or makes the second try).
  bool uses_yunet() const {
    return detector == Detector::Yunet || (retry_upsample >= 0 && retry_detector == Detector::Yunet);
  }
};

/// Time spent per stage, summed over every image this engine analysed.
struct StageTimes {
  using Duration = std::chrono::nanoseconds;
  Duration decode{0}, detect{0}, landmarks{0}, encode{0};
  long images = 0;
  long faces = 0;
  StageTimes& operator+=(const StageTimes& o);
};

/// What face_encoding.model_version and process_status.model_version record:
/// the network (kModelVersion), plus "+mirror" and "+jitter<N>" when the
/// encodings are made that way, and "+<detector>" when the first detector is
/// not HOG (another detector's boxes move encodings by ~0.05). Encodings of different versions are never
/// compared: a stored benchmark of another version is encoded again.
std::string encoding_version(const EngineOptions& options);

struct EngineState;  // dlib objects; defined in dlib_engine.cpp

/// Not thread-safe: one instance per worker thread. Construction copies the
/// shared weights (cheap next to reading them from disk again).
class DlibEngine final : public FaceEngine {
 public:
  DlibEngine(std::shared_ptr<const Models> models, EngineOptions options);
  ~DlibEngine() override;
  DlibEngine(const DlibEngine&) = delete;
  DlibEngine& operator=(const DlibEngine&) = delete;

  using FaceEngine::analyze;
  AnalysisResult analyze(const std::uint8_t* data, std::size_t size) override;
  using FaceEngine::analyze_enrolment;
  AnalysisResult analyze_enrolment(const std::uint8_t* data, std::size_t size) override;
  /// Analyses already-decoded pixels (`enrolment`: as analyze_enrolment()).
  FaceAnalysis analyze_image(const RgbImage& image, bool enrolment = false);
  /// The encoding of one aligned 150x150 face chip (as analyze cuts them),
  /// with this engine's jitters and mirror options.
  Encoding encode_chip(const RgbImage& chip);

  const StageTimes& times() const { return times_; }
  const EngineOptions& options() const { return options_; }
  void set_options(const EngineOptions& options);

 private:
  struct EncodedChips {
    std::vector<dlib::matrix<float, 0, 1>> encodings;
    std::vector<std::optional<double>> mirror_gaps;  ///< Face::mirror_gap of each chip
  };
  /// The encoder over aligned chips: each chip's encoding, or the mean over its
  /// views (jittered copies when options_.jitters > 1, and the mirror image's too
  /// when options_.mirror).
  EncodedChips encode_chips(const std::vector<RgbImage>& chips);
  AnalysisResult decode_and_analyze(const std::uint8_t* data, std::size_t size, bool enrolment);
  /// The faces `kind` finds in `image`, seen at detect_max_dimension (with `shrink`).
  std::vector<dlib::rectangle> detect_faces(const RgbImage& image, Detector kind, int upsample, bool shrink = true);

  std::shared_ptr<const Models> models_;
  EngineOptions options_;
  std::unique_ptr<EngineState> state_;
  StageTimes times_;
};

}  // namespace biosense
