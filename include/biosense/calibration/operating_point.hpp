#pragma once
/// The decision threshold set for a false-match rate: what `calibrate
/// --target-fmr` fits and a calibration file carries (calibration_file.hpp),
/// and what the pass decides with unless a tolerance is set
/// (docs/accuracy.md, "Operating point").
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "biosense/calibration/fit.hpp"

namespace biosense {

/// There are too few different-person comparisons to resolve the asked
/// false-match rate (impostors_needed()).
class InsufficientData : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct OperatingPoint {
  double threshold = 0.0;                            ///< largest distance accepted as the same person
  double target_fmr = 0.0;                           ///< the false-match rate it was set for
  double fmr = 0.0;                                  ///< measured at the threshold on the comparisons it was set on
  double fnmr = 0.0;                                 ///< same-person comparisons rejected at the threshold
  double fnmr_low = 0.0, fnmr_high = 0.0;            ///< 95% Wilson interval of fnmr
  double threshold_low = 0.0, threshold_high = 0.0;  ///< 95% bootstrap interval of the threshold
  std::size_t genuine = 0, impostors = 0;            ///< comparisons it was set on
  std::string source;                                ///< what they were (a pairs file, a database)
};

/// How many different-person comparisons resolve `target_fmr`: 3 / target,
/// rounded up (the rule of three: with none of them falsely matched, the
/// 95% upper bound on the rate is the target).
std::size_t impostors_needed(double target_fmr);

/// A distance at which floor(target_fmr x N) = k of the N
/// `impostor_distances` are accepted (distance <= threshold): half-way
/// between the k-th smallest and the next (just below the next when k is 0
/// or the two tie, so never more than k; 2.0 when all may be accepted). The rule `evaluate`'s TAR at FAR
/// uses too. Sorts its argument. Requires a non-empty list.
double threshold_at_fmr(std::vector<double>& impostor_distances, double target_fmr);

/// 95% Wilson score interval of a rate of `k` in `n` ({0, 0} when n is 0).
std::pair<double, double> wilson_interval(std::size_t k, std::size_t n);

/// Sets the operating point for `target_fmr` (0 < target < 1) on labelled
/// distances: the threshold (threshold_at_fmr() of the different pairs),
/// FMR and FNMR there, the FNMR's Wilson interval, and the threshold's 95%
/// interval from `bootstrap` resamples of the different pairs (pairs
/// resampled one by one: comparisons that share a face are not independent,
/// so the true interval is wider; docs/accuracy.md). Throws InsufficientData
/// with a message naming what is missing when there are fewer than
/// impostors_needed() different pairs or no same pair, and
/// std::invalid_argument for a target outside (0, 1).
OperatingPoint fit_operating_point(const std::vector<LabelledDistance>& data, double target_fmr, std::string source,
                                   int bootstrap = 1000);

}  // namespace biosense
