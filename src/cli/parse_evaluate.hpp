#pragma once
/// CLI11 definitions of `evaluate` and `calibrate` (kept apart from parse.cpp).
#include <CLI/CLI.hpp>

#include "biosense/cli/invocation.hpp"

namespace biosense::cli {

/// The transformer of a --detector flag: `detectors` by detector_name(), any case.
CLI::CheckedTransformer detector_choices(std::initializer_list<Detector> detectors);
/// --detector, --upsample and --retry-upsample.
void add_detection_options(CLI::App* cmd, DetectionOptions& d);
CLI::App* add_evaluate(CLI::App& app, EvaluateOptions& o);
CLI::App* add_calibrate(CLI::App& app, CalibrateOptions& o);
/// After parsing `calibrate --from-db`: each detection setting not given as a
/// flag is the pass's (`pass_detection`, from the detection.* keys), so the
/// snapshots are encoded as the benchmarks they are compared with were.
void finish_calibrate(const CLI::App& cmd, CalibrateOptions& o, const DetectionOptions& pass_detection);

}  // namespace biosense::cli
