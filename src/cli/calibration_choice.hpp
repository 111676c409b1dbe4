#pragma once
/// The calibration a command that reports confidences uses: --calibration
/// FILE (global option) or the shipped one for its encodings.
#include <memory>

#include "biosense/calibration/calibration.hpp"
#include "biosense/cli/commands.hpp"

namespace biosense::cli {

/// The calibration for encodings made with (`mirror`) or without mirror
/// images, read once; warns on ctx.log when FILE was fit the other way.
/// Throws CalibrationError as read_calibration() does.
std::unique_ptr<Calibration> load_calibration_for(const CommandContext& ctx, bool mirror);

}  // namespace biosense::cli
