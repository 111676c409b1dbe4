#include "biosense/engine/models.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "net.hpp"

namespace biosense {

std::vector<std::filesystem::path> model_search_path(const std::filesystem::path& explicit_dir) {
  std::vector<std::filesystem::path> dirs;
  if (!explicit_dir.empty()) return {explicit_dir};
  if (const char* env = std::getenv("BIOSENSE_MODELS_DIR"); env != nullptr && *env != '\0') dirs.emplace_back(env);
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
    dirs.push_back(std::filesystem::path(home) / ".cache" / "biosense" / "models");
  dirs.emplace_back("/usr/share/biosense/models");
  // Where `cmake --install` put them, when the prefix is not /usr.
  const std::filesystem::path installed = BIOSENSE_INSTALL_MODELS_DIR;
  if (installed != dirs.back()) dirs.push_back(installed);
  return dirs;
}

std::filesystem::path find_model(const std::string& file, const std::filesystem::path& explicit_dir) {
  std::string tried;
  for (const auto& dir : model_search_path(explicit_dir)) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(dir / file, ec)) return dir / file;
    tried += fmt::format("\n  {}", (dir / file).string());
  }
  throw ModelError(
      fmt::format("model file {} not found; looked in:{}\nrun scripts/setup.sh to fetch the models", file, tried));
}

Models::Models(std::unique_ptr<LoadedModels> loaded) : loaded_(std::move(loaded)) {}
Models::~Models() = default;

std::shared_ptr<const Models> Models::load(const std::filesystem::path& explicit_dir, bool cnn_detector, bool yunet) {
  auto loaded = std::make_unique<LoadedModels>();
  const auto landmarks = find_model(kShapePredictor5, explicit_dir);
  const auto encoder = find_model(kRecognitionModel, explicit_dir);
  try {
    dlib::deserialize(landmarks.string()) >> loaded->landmarks5;
  } catch (const std::exception& e) {
    throw ModelError(fmt::format("cannot load {}: {}", landmarks.string(), e.what()));
  }
  try {
    dlib::deserialize(encoder.string()) >> loaded->encoder;
  } catch (const std::exception& e) {
    throw ModelError(fmt::format("cannot load {}: {}", encoder.string(), e.what()));
  }
  if (cnn_detector) {
    const auto cnn = find_model(kCnnDetector, explicit_dir);
    try {
      auto net = std::make_shared<net::mmod_type>();
      dlib::deserialize(cnn.string()) >> *net;
      loaded->cnn_detector = std::move(net);
    } catch (const std::exception& e) {
      throw ModelError(fmt::format("cannot load {}: {}", cnn.string(), e.what()));
    }
  }
  if (yunet) loaded->yunet = YunetLibrary::load(find_model(kYunetLibrary, explicit_dir).parent_path());
  auto models = std::make_shared<Models>(std::move(loaded));
  models->directory_ = landmarks.parent_path();
  return models;
}

}  // namespace biosense
