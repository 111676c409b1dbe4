#include "engine_models.hpp"

#include <fmt/format.h>

namespace biosense::cli {

std::shared_ptr<const Models> load_models_for(const CommandContext& ctx, const DetectionOptions& asked,
                                              const EngineOptions& engine) {
  const bool retries = asked.retry_upsample >= 0;
  for (Detector d : {asked.detector, retries ? asked.retry_detector : Detector::Hog}) {
    if (detector_runs_here(d)) continue;
    ctx.log.warn(fmt::format(
        "detector {} needs a CPU with AVX2 and FMA, which this one lacks: detecting with hog instead (encodings "
        "are tagged '{}')",
        detector_name(d), encoding_version(engine)));
  }
  return Models::load(ctx.global.models_dir, engine.uses_cnn(), engine.uses_yunet());
}

}  // namespace biosense::cli
