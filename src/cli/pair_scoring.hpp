#pragma once
/// What `evaluate` and `calibrate` share: read the pairs file, encode its
/// images on a pool of engines, score the pairs.
#include <string>

#include "biosense/calibration/score_pairs.hpp"
#include "biosense/cli/commands.hpp"

namespace biosense::cli {

struct ScoredPairsFile {
  PairsFile file;
  ScoredPairs scored;
};

/// Logs what it does through ctx.log; shows progress on a terminal.
ScoredPairsFile score_pairs_file(const CommandContext& ctx, const std::string& pairs, const std::string& images,
                                 int cpus, const DetectionOptions& detection);

}  // namespace biosense::cli
