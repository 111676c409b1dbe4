/// `biosense models check`: every weight file present, with the published
/// SHA-256, and the ones the engine and the watch run actually load (YuNet's
/// library where this CPU can run it).
#include <ostream>

#include <fmt/format.h>

#include "biosense/cli/commands.hpp"
#include "biosense/cli/exit_code.hpp"
#include "biosense/engine/checksum.hpp"
#include "biosense/engine/detector.hpp"
#include "biosense/engine/face_shape.hpp"
#include "biosense/engine/models.hpp"

namespace biosense {

int run_models_check(const CommandContext& ctx, const ModelsCheckOptions&) {
  bool ok = true;
  for (const auto& [file, expected] : expected_model_sums()) {
    try {
      const auto path = find_model(file, ctx.global.models_dir);
      const std::string actual = sha256_file(path);
      if (actual != expected) {
        ok = false;
        ctx.out << fmt::format("BAD      {}  sha256 {} (expected {})\n", path.string(), actual, expected);
      } else {
        ctx.out << fmt::format("OK       {}\n", path.string());
      }
    } catch (const std::exception& e) {
      ok = false;
      ctx.out << fmt::format("MISSING  {}: {}\n", file, e.what());
    }
  }
  if (ok) {
    // Throws ModelError if the weights do not deserialize, or YuNet's library does not load.
    const bool yunet = detector_runs_here(Detector::Yunet);
    Models::load(ctx.global.models_dir, false, yunet);
    ShapeModel68::load(ctx.global.models_dir);  // the watch's 68-point landmarks
    ctx.out << "models load: OK\n";
    if (!yunet)
      ctx.out << "yunet: this CPU lacks AVX2/FMA, so the pass detects with hog (its library was not loaded)\n";
    return to_int(ExitCode::Ok);
  }
  ctx.log.error("model files are missing or corrupt: run scripts/setup.sh");
  return to_int(ExitCode::Infrastructure);
}

}  // namespace biosense
