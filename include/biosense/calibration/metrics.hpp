#pragma once
/// Verification metrics over scored pairs: what `evaluate` reports.
#include <cstddef>
#include <optional>
#include <vector>

#include "biosense/calibration/calibration.hpp"

namespace biosense {

struct ScoredPair {
  double distance = 0.0;  ///< meaningless when failed
  bool same = false;
  bool failed = false;  ///< an image of the pair was unreadable or had no face
  int fold = 0;
  std::optional<double> mirror_gaps = std::nullopt;  ///< pair_mirror_gaps() of the two faces
};

struct ReliabilityBin {
  double low = 0.0, high = 0.0;  ///< confidence range [low, high)
  std::size_t count = 0;
  double mean_confidence = 0.0;  ///< mean predicted P(same) in the bin
  double observed = 0.0;         ///< share of same-person pairs in the bin
};

/// Expected calibration error over `bins` equal-width confidence bins: the
/// count-weighted mean of |mean confidence - observed rate|. `table`, when
/// given, receives every bin (empty ones included, with count 0).
double expected_calibration_error(const std::vector<double>& confidence, const std::vector<bool>& same, int bins,
                                  std::vector<ReliabilityBin>* table = nullptr);

/// The same with each label weighing half (balance_labels()): the error of a
/// confidence meant for an even prior, on pairs of any mix (webcam pairs hold
/// 18 different pairs for each same one, and the easy different pairs would
/// otherwise hide the same pairs' error). The bins' mean confidence and
/// observed rate are weighted too. Equals the plain ECE on balanced pairs;
/// falls back to it when one label is missing.
double balanced_calibration_error(const std::vector<double>& confidence, const std::vector<bool>& same, int bins,
                                  std::vector<ReliabilityBin>* table = nullptr);

/// ROC AUC of "smaller distance = same person" (Mann-Whitney, ties count half).
double roc_auc(const std::vector<double>& distance, const std::vector<bool>& same);

struct Evaluation {
  std::size_t pairs = 0, same = 0, different = 0;
  /// Pairs with a failed image. They count as errors: a same pair as a false
  /// reject, a different pair as a wrong answer too (the tool could not say
  /// "different"). They rank last for the AUC and are left out of the ECE
  /// (they get no confidence) and of the best-threshold search's distances.
  std::size_t failed_pairs = 0;
  double tolerance = 0.6;
  double accuracy = 0.0;  ///< at the tolerance, failed pairs counted wrong
  double far = 0.0;       ///< different pairs accepted / different pairs
  double frr = 0.0;       ///< same pairs rejected or failed / same pairs
  double best_threshold = 0.0;
  double best_accuracy = 0.0;
  double auc = 0.0;
  double tar_at_far = 0.0;     ///< TAR at the largest threshold with FAR <= far_target
  double tar_threshold = 0.0;  ///< that threshold
  double far_target = 1e-3;
  double ece = 0.0;
  double balanced_ece = 0.0;  ///< each label weighing half (balanced_calibration_error())
  std::vector<ReliabilityBin> reliability;
  std::vector<double> fold_accuracy;       ///< per fold at the tolerance (one entry outside View 2)
  double fold_mean = 0.0, fold_std = 0.0;  ///< sample standard deviation over folds
};

Evaluation evaluate_pairs(const std::vector<ScoredPair>& pairs, double tolerance, const Calibration& calibration,
                          int folds = 1);

}  // namespace biosense
