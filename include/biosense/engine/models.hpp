#pragma once
/// Locating and loading dlib's model weights.
///
/// Search order for the model folder: an explicit path, $BIOSENSE_MODELS_DIR,
/// $HOME/.cache/biosense/models (where scripts/setup.sh puts them), then
/// /usr/share/biosense/models (the Docker image), then <prefix>/share/biosense/models
/// (cmake --install with another prefix, e.g. /usr/local).
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace biosense {

/// Missing, unreadable or corrupt weights: an infrastructure failure (exit 2).
class ModelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr const char* kShapePredictor5 = "shape_predictor_5_face_landmarks.dat";
inline constexpr const char* kShapePredictor68 = "shape_predictor_68_face_landmarks.dat";
inline constexpr const char* kRecognitionModel = "dlib_face_recognition_resnet_model_v1.dat";
inline constexpr const char* kCnnDetector = "mmod_human_face_detector.dat";

/// The encoder's identity; stored with every encoding and calibration, so an
/// encoding from another model is never compared with ours.
inline constexpr const char* kModelVersion = "dlib_face_recognition_resnet_model_v1";

/// The folders searched, in order, for `explicit_dir` (may be empty).
std::vector<std::filesystem::path> model_search_path(const std::filesystem::path& explicit_dir);

/// The first folder in the search path holding `file`; throws ModelError
/// naming every folder tried when none has it.
std::filesystem::path find_model(const std::string& file, const std::filesystem::path& explicit_dir);

struct LoadedModels;  // dlib networks; defined in the engine's sources only

/// Weights deserialized once per process and shared read-only; each engine
/// copies what it runs, so threads never share a network.
class Models {
 public:
  /// Loads the 5-point landmark model and the ResNet encoder, with
  /// `cnn_detector` the CNN face detector too, and with `yunet` YuNet's
  /// library (engine/yunet.hpp; from the folder the other weights are in);
  /// throws ModelError.
  static std::shared_ptr<const Models> load(const std::filesystem::path& explicit_dir = {}, bool cnn_detector = false,
                                            bool yunet = false);
  explicit Models(std::unique_ptr<LoadedModels> loaded);
  ~Models();
  Models(const Models&) = delete;
  Models& operator=(const Models&) = delete;
  const LoadedModels& loaded() const { return *loaded_; }
  const std::filesystem::path& directory() const { return directory_; }

 private:
  std::unique_ptr<LoadedModels> loaded_;
  std::filesystem::path directory_;
};

}  // namespace biosense
