#pragma once
/// `calibrate --from-db`: labelled distances from a site's own database, with
/// no labels asked of anyone. Different lan_ids are different people, so each
/// decided snapshot against every other agent's benchmark is a
/// different-person comparison, and against its own agent's benchmark a
/// same-person one (docs/accuracy.md, "Calibrating on a site's own data").
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "biosense/calibration/fit.hpp"
#include "biosense/engine/face.hpp"

namespace biosense {

/// An encoded face with the agent it belongs to (a benchmark) or was
/// submitted under (a snapshot).
struct SiteFace {
  std::string lan_id;
  Encoding encoding{};
  std::optional<double> mirror_gap = std::nullopt;
};

struct SitePairs {
  std::vector<LabelledDistance> pairs;
  std::size_t agents = 0;             ///< benchmarks
  std::size_t snapshots = 0;          ///< snapshots of an agent with a benchmark
  std::size_t genuine_left_out = 0;   ///< snapshots closer to another agent's benchmark than to their own
  std::size_t without_benchmark = 0;  ///< snapshots whose agent has no benchmark: different-person pairs only
};

/// Every snapshot against every benchmark. Against another agent's: a
/// different pair. Against its own agent's: a same pair. A snapshot closer
/// to another agent's benchmark than to its own (the gallery check's case:
/// most likely that colleague at the desk) has no trustworthy label for
/// either of those two comparisons: both are left out (genuine_left_out),
/// its comparisons with everyone else stay. Without that rule one
/// colleague standing in would put a same-person distance among the
/// different pairs and drag the threshold into the genuine ones. Likewise
/// for a snapshot whose agent has no benchmark: its nearest benchmark is
/// left out. The verdicts the pass gave are not read, so the same-person
/// distances are not cut off at the threshold in force. What stays
/// mislabelled makes the result stricter, never looser: a stranger at an
/// agent's desk lands among the same pairs (a higher FNMR estimate). At
/// most one benchmark per lan_id.
SitePairs site_pairs(const std::vector<SiteFace>& benchmarks, const std::vector<SiteFace>& snapshots);

}  // namespace biosense
