#pragma once
/// Face detectors: which one finds the faces (Detector), whether it can run on
/// this CPU, and the seam the engine calls (FaceDetector). The engine makes
/// one FaceDetector per kind and thread (src/engine/detectors.hpp).
#include <dlib/geometry/rectangle.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "biosense/engine/image.hpp"

namespace biosense {

enum class Detector {
  Hog,    ///< dlib's HOG frontal detector (face_recognition's default "hog")
  Cnn,    ///< dlib's CNN (MMOD) detector: more poses, far slower on a CPU; needs its weights loaded
  Yunet,  ///< libfacedetection's YuNet network: finds faces from ~10 px, several times faster than
          ///< HOG on webcam frames; needs AVX2 and FMA, and its library from the models folder (yunet.hpp)
};

/// "hog", "cnn", "yunet": the names configuration, flags and logs use.
std::string detector_name(Detector d);
/// The detector a name means (lower case, as detector_name() spells it); nullopt for any other text.
std::optional<Detector> parse_detector(std::string_view name);

/// The instruction-set extensions a detector may need.
struct CpuFeatures {
  bool avx2 = false;
  bool fma = false;
  static CpuFeatures of_this_machine();
};

/// Whether `d` can run on `cpu`: YuNet's prebuilt library executes AVX2 and
/// FMA instructions (illegal instruction without); HOG and CNN run anywhere.
bool detector_runs_on(Detector d, const CpuFeatures& cpu);
/// detector_runs_on(d, CpuFeatures::of_this_machine()).
bool detector_runs_here(Detector d);
/// `d`, or HOG where `d` cannot run on this CPU (detector_runs_here()): the
/// fallback every command applies at start-up, with a warning.
Detector runnable_detector(Detector d);
/// That warning, for a command asked to detect with `asked` on `cpu`; empty
/// when `asked` runs there.
std::string fallback_warning(Detector asked, const CpuFeatures& cpu);

/// One thread's face detector. Not thread-safe: one instance per engine.
class FaceDetector {
 public:
  virtual ~FaceDetector() = default;
  /// The boxes of the faces in `image`, in its coordinates and shaped like
  /// dlib HOG's boxes (what the 5-point landmark model was trained on).
  /// `upsample`: pyramid-up passes before detection (HOG, CNN); YuNet's
  /// network has its own scales and ignores it.
  virtual std::vector<dlib::rectangle> detect(const RgbImage& image, int upsample) = 0;
};

}  // namespace biosense
