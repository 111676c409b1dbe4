#pragma once
/// CLI11 definitions of `evaluate` and `calibrate` (kept apart from parse.cpp).
#include <CLI/CLI.hpp>

#include "biosense/cli/invocation.hpp"

namespace biosense::cli {

/// --detector, --upsample and --retry-upsample.
void add_detection_options(CLI::App* cmd, DetectionOptions& d);
CLI::App* add_evaluate(CLI::App& app, EvaluateOptions& o);
CLI::App* add_calibrate(CLI::App& app, CalibrateOptions& o);

}  // namespace biosense::cli
