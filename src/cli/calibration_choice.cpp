#include "calibration_choice.hpp"

#include <fmt/format.h>

namespace biosense::cli {

CalibrationSpec read_calibration_for(const CommandContext& ctx, bool mirror) {
  const std::string& path = ctx.global.calibration_file;
  CalibrationSpec spec = read_calibration(path, mirror);
  if (const auto warning = calibration_mismatch(spec, path, mirror); !warning.empty()) ctx.log.warn(warning);
  return spec;
}

std::unique_ptr<Calibration> load_calibration_for(const CommandContext& ctx, bool mirror) {
  return make_calibration(read_calibration_for(ctx, mirror));
}

std::string describe_threshold(const std::optional<double>& tolerance, const CalibrationSpec& spec) {
  const double threshold = decision_threshold(tolerance, spec);
  if (tolerance) return fmt::format("deciding at distance {:.4f} (the tolerance set)", threshold);
  if (const auto& op = spec.operating_point)
    return fmt::format("deciding at distance {:.4f}, the calibration's threshold for FMR {:g} (set on {})", threshold,
                       op->target_fmr, op->source);
  return fmt::format("deciding at distance {:.4f}: the calibration has no threshold, face_recognition's default",
                     threshold);
}

}  // namespace biosense::cli
