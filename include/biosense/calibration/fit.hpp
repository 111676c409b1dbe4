#pragma once
/// Fitting distance -> P(same person) on labelled distances.
#include <memory>
#include <string>
#include <vector>

#include "biosense/calibration/calibration.hpp"

namespace biosense {

struct LabelledDistance {
  double distance = 0.0;
  bool same = false;
};

/// P(same) = 1 / (1 + exp(slope * (distance - midpoint))): 50% at the
/// midpoint, falling faster with a larger slope.
struct LogisticParams {
  double slope = 0.0;
  double midpoint = 0.0;
};

/// Platt scaling: maximum likelihood with Platt's smoothed targets
/// ((N+ + 1)/(N+ + 2) and 1/(N- + 2)), so a perfectly separated set still
/// gives a finite slope. Newton's method with a backtracking line search.
/// Throws std::invalid_argument without at least one pair of each label.
LogisticParams fit_logistic(const std::vector<LabelledDistance>& data);

/// A non-increasing step curve through (distance, probability) knots, read
/// with linear interpolation between knots and clamped outside them.
struct IsotonicCurve {
  std::vector<double> distances;      ///< strictly increasing
  std::vector<double> probabilities;  ///< non-increasing, in [0, 1]
};

/// Isotonic regression (pool adjacent violators) of `same` on distance,
/// constrained to be non-increasing; one knot per pooled block, at the
/// block's mean distance. Throws std::invalid_argument on empty data.
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
