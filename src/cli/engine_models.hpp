#pragma once
/// The models a command's engines need, loaded once, with the start-up check
/// of the detectors asked for against this CPU.
#include <memory>

#include "biosense/cli/commands.hpp"
#include "biosense/cli/invocation.hpp"
#include "biosense/engine/models.hpp"

namespace biosense::cli {

/// Warns on ctx.log for each detector in `asked` this CPU cannot run
/// (DetectionOptions::apply_to() puts HOG in its place), then loads the
/// weights `engine` uses (its CNN, YuNet's library). Throws ModelError.
std::shared_ptr<const Models> load_models_for(const CommandContext& ctx, const DetectionOptions& asked,
                                              const EngineOptions& engine);

}  // namespace biosense::cli
