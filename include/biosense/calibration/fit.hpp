#pragma once
/// Fitting distance -> P(same person) on labelled distances.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "biosense/calibration/calibration.hpp"

namespace biosense {

struct LabelledDistance {
  double distance = 0.0;
  bool same = false;
  std::optional<double> mirror_gaps = std::nullopt;  ///< pair_mirror_gaps() of the two faces
  /// How much the pair counts in a fit (balance_labels()); 1 by default.
  double weight = 1.0;
};

/// Sets every pair's weight so that each label weighs half of the whole
/// (same pairs N / (2 N_same), different pairs N / (2 N_different)): a curve
/// fit on them answers for an even prior, however many more different pairs
/// than same ones the file holds (webcam pairs: 18 to 1). A file with one
/// label only is left as it is.
void balance_labels(std::vector<LabelledDistance>& data);

/// P(same) = 1 / (1 + exp(slope * (distance - midpoint) - gap_weight *
/// (gaps - gap_mean))): 50% at the midpoint for a pair of typical faces,
/// falling faster with a larger slope. `gaps` is the pair's mirror gaps; a
/// positive gap_weight says hard faces (large gaps) of one person lie
/// further apart. gap_weight 0: the distance alone. Unknown gaps count as
/// gap_mean (the mean over the pairs the curve was fit on).
struct LogisticParams {
  double slope = 0.0;
  double midpoint = 0.0;
  double gap_weight = 0.0;
  double gap_mean = 0.0;
};

/// Platt scaling: weighted maximum likelihood with Platt's smoothed targets
/// ((N+ + 1)/(N+ + 2) and 1/(N- + 2), N the labels' summed weights), so a perfectly separated set still
/// gives a finite slope. Newton's method with a backtracking line search.
/// Throws std::invalid_argument without at least one pair of each label.
/// With `use_gaps`, the mirror gaps are a second input (gap_weight is fit;
/// throws std::invalid_argument when a pair has no gaps); without, the
/// distance alone (gap_weight 0).
LogisticParams fit_logistic(const std::vector<LabelledDistance>& data, bool use_gaps = false);

/// A non-increasing step curve through (distance, probability) knots, read
/// with linear interpolation between knots and clamped outside them.
struct IsotonicCurve {
  std::vector<double> distances;      ///< strictly increasing
  std::vector<double> probabilities;  ///< non-increasing, in [0, 1]
};

/// Weighted isotonic regression (pool adjacent violators) of `same` on distance,
/// constrained to be non-increasing; one knot per pooled block, at the
/// block's weighted mean distance. Throws std::invalid_argument on empty data.
IsotonicCurve fit_isotonic(const std::vector<LabelledDistance>& data);

std::unique_ptr<Calibration> make_logistic_calibration(LogisticParams params, std::string name);
std::unique_ptr<Calibration> make_isotonic_calibration(IsotonicCurve curve, std::string name);

/// The curves the user's notes and face_recognition's wiki propose, for
/// comparison in `evaluate` (docs/accuracy.md). Not used to decide anything.
/// The user's lookup: 0.0-0.1 -> 100%, 0.1-0.2 -> 90% ... 0.9-1.0 -> 10%, 0% beyond.
std::unique_ptr<Calibration> make_user_table_calibration();
/// face_recognition wiki's face_distance_to_conf(distance, 0.6).
std::unique_ptr<Calibration> make_wiki_formula_calibration();

}  // namespace biosense
