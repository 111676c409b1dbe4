#include "engine_models.hpp"

#include <fmt/format.h>

namespace biosense::cli {

std::shared_ptr<const Models> load_models_for(const CommandContext& ctx, const DetectionOptions& asked,
                                              const EngineOptions& engine) {
  const CpuFeatures cpu = CpuFeatures::of_this_machine();
  for (Detector d : {asked.detector, asked.retry_upsample >= 0 ? asked.retry_detector : Detector::Hog})
    if (const std::string warning = fallback_warning(d, cpu); !warning.empty())
      ctx.log.warn(fmt::format("{} (encodings are tagged '{}')", warning, encoding_version(engine)));
  return Models::load(ctx.global.models_dir, engine.uses_cnn(), engine.uses_yunet());
}

}  // namespace biosense::cli
