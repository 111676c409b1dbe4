#pragma once
/// The calibration a command that reports confidences uses: --calibration
/// FILE (global option) or the shipped one for its encodings.
#include <memory>
#include <string>

#include "biosense/calibration/calibration.hpp"
#include "biosense/calibration/calibration_file.hpp"
#include "biosense/cli/commands.hpp"

namespace biosense::cli {

/// The spec of the calibration for encodings made with (`mirror`) or without
/// mirror images, read once; warns on ctx.log when FILE was fit the other way.
/// Throws CalibrationError as read_calibration() does.
CalibrationSpec read_calibration_for(const CommandContext& ctx, bool mirror);

/// make_calibration(read_calibration_for(ctx, mirror)).
std::unique_ptr<Calibration> load_calibration_for(const CommandContext& ctx, bool mirror);

/// The line a decider logs at start: the threshold it decides with and where
/// it comes from (the tolerance, the calibration's operating point, or
/// face_recognition's default).
std::string describe_threshold(const std::optional<double>& tolerance, const CalibrationSpec& spec);

}  // namespace biosense::cli
