#pragma once
/// Calibration files: the versioned JSON `calibrate` writes and everything
/// that reports `accuracy` reads. The files shipped in models/ are compiled
/// into the binary as the defaults: calibration.json for mirrored encodings,
/// calibration-no-mirror.json for face_recognition's.
///
///   {"format": "biosense-calibration", "format_version": 2,
///    "model_version": "dlib_face_recognition_resnet_model_v1",
///    "method": "logistic", "logistic": {"slope": S, "midpoint": M,
///                                       "gap_weight": W, "gap_mean": G},
///    "isotonic": {"distances": [...], "probabilities": [...]},   (method "isotonic")
///    "fitted_on": {"source": "...", "pairs": N, "same": N, "different": N,
///                  "failed_pairs": N, "upsample": 1,
///                  "detection": "hog 0, retry cnn 0", "jitters": 10, "mirror": true},
///    "operating_point": {"threshold": T, "target_fmr": X, "fmr": F, "fnmr": R,
///                        "fnmr_interval": [L, H], "threshold_interval": [L, H],
///                        "genuine": N, "impostors": N, "source": "..."},
///    "ece": E, "created": "YYYY-MM-DDTHH:MM:SSZ"}
///
/// gap_weight and gap_mean (the mirror-gap term, LogisticParams) are written
/// only when the curve has one, and then format_version is 2; a file without
/// them is version 1, as before the term existed. "operating_point"
/// (operating_point.hpp: the decision threshold, set for a false-match rate)
/// makes it version 3, so that an older build, which would decide with its
/// own tolerance instead, refuses the file rather than ignore the threshold.
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "biosense/calibration/calibration.hpp"
#include "biosense/calibration/fit.hpp"
#include "biosense/calibration/operating_point.hpp"

namespace biosense {

/// A calibration file that cannot be used: unreadable, malformed, or fit for
/// another model version. A configuration error (exit 1).
class CalibrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct FittedOn {
  std::string source;  ///< e.g. the pairs file's name
  std::size_t pairs = 0, same = 0, different = 0, failed_pairs = 0;
  int upsample = 1;
  std::string detection;  ///< how faces were found, e.g. "hog 0, retry cnn 0"; empty in older files
  int jitters = 1;
  bool mirror = false;  ///< encodings averaged with their mirror image's; absent in older files
};

struct CalibrationSpec {
  std::string model_version;
  std::string method;  ///< "logistic" or "isotonic"
  LogisticParams logistic;
  IsotonicCurve isotonic;
  FittedOn fitted_on;
  double ece = 0.0;  ///< the fit's own ECE on the pairs it was fit on
  std::string created;
  /// The decision threshold; absent in files from before format 3 (the pass
  /// then decides at kDefaultTolerance unless a tolerance is set).
  std::optional<OperatingPoint> operating_point;
};

/// face_recognition's tolerance, fit on LFW: `compare`'s default, and the
/// pass's when neither a tolerance nor a calibration threshold is given.
inline constexpr double kDefaultTolerance = 0.6;

/// The threshold the pass decides with: the tolerance when one is set
/// (--tolerance, pass.tolerance), else the calibration's operating point,
/// else kDefaultTolerance.
inline double decision_threshold(const std::optional<double>& tolerance, const CalibrationSpec& spec) {
  if (tolerance) return *tolerance;
  return spec.operating_point ? spec.operating_point->threshold : kDefaultTolerance;
}

std::string to_json(const CalibrationSpec& spec);

/// Parses and checks a calibration file's text; `source` names it in errors.
/// Refuses a file whose model_version is not kModelVersion.
CalibrationSpec parse_calibration(const std::string& text, const std::string& source);

/// The Calibration a spec describes; its name() is "<method>:<fitted_on.source>".
std::unique_ptr<Calibration> make_calibration(const CalibrationSpec& spec);

/// The spec of the calibration file at `path`, or, when `path` is empty, of
/// the shipped one for encodings made with (`mirror`) or without mirror images.
/// Throws CalibrationError when the file cannot be read or is not valid.
CalibrationSpec read_calibration(const std::string& path, bool mirror);

/// make_calibration(read_calibration(path, mirror)).
std::unique_ptr<Calibration> load_calibration(const std::string& path, bool mirror);

/// A warning when `spec`, read from `path`, was fit on encodings made another
/// way than `mirror` says (fitted_on.mirror; older files: unmirrored); empty
/// when they agree or `path` is empty (the shipped one always agrees).
std::string calibration_mismatch(const CalibrationSpec& spec, const std::string& path, bool mirror);
/// The same for the file at `path`; throws as read_calibration() does.
std::string calibration_mismatch(const std::string& path, bool mirror);

/// A shipped calibration's text, as at build time: models/calibration.json
/// (`mirror`, the default of the pass and `evaluate`) or
/// models/calibration-no-mirror.json (face_recognition's encodings: `compare`).
const char* shipped_calibration_json(bool mirror);

}  // namespace biosense
