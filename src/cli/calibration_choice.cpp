#include "calibration_choice.hpp"

#include "biosense/calibration/calibration_file.hpp"

namespace biosense::cli {

std::unique_ptr<Calibration> load_calibration_for(const CommandContext& ctx, bool mirror) {
  const std::string& path = ctx.global.calibration_file;
  const CalibrationSpec spec = read_calibration(path, mirror);
  if (const auto warning = calibration_mismatch(spec, path, mirror); !warning.empty()) ctx.log.warn(warning);
  return make_calibration(spec);
}

}  // namespace biosense::cli
