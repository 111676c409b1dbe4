#include "biosense/calibration/metrics.hpp"

#include "biosense/calibration/operating_point.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace biosense {

namespace {

/// The weighted ECE: bins weigh the pairs' summed weights; ReliabilityBin::count
/// still counts pairs.
double weighted_calibration_error(const std::vector<double>& confidence, const std::vector<bool>& same,
                                  const std::vector<double>& weight, int bins, std::vector<ReliabilityBin>* table) {
  const auto n = static_cast<std::size_t>(std::max(bins, 1));
  std::vector<ReliabilityBin> b(n);
  std::vector<double> sum_conf(n, 0.0), sum_same(n, 0.0), sum_weight(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    b[i].low = static_cast<double>(i) / static_cast<double>(n);
    b[i].high = static_cast<double>(i + 1) / static_cast<double>(n);
  }
  double total = 0.0;
  for (std::size_t i = 0; i < confidence.size(); ++i) {
    const double p = std::clamp(confidence[i], 0.0, 1.0);
    const auto k = std::min(n - 1, static_cast<std::size_t>(p * static_cast<double>(n)));
    ++b[k].count;
    sum_conf[k] += weight[i] * p;
    sum_same[k] += same[i] ? weight[i] : 0.0;
    sum_weight[k] += weight[i];
    total += weight[i];
  }
  double ece = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    if (b[k].count == 0 || sum_weight[k] <= 0.0) continue;
    b[k].mean_confidence = sum_conf[k] / sum_weight[k];
    b[k].observed = sum_same[k] / sum_weight[k];
    ece += sum_weight[k] * std::abs(b[k].mean_confidence - b[k].observed);
  }
  if (total > 0.0) ece /= total;
  if (table != nullptr) *table = std::move(b);
  return ece;
}

}  // namespace

double expected_calibration_error(const std::vector<double>& confidence, const std::vector<bool>& same, int bins,
                                  std::vector<ReliabilityBin>* table) {
  return weighted_calibration_error(confidence, same, std::vector<double>(confidence.size(), 1.0), bins, table);
}

double balanced_calibration_error(const std::vector<double>& confidence, const std::vector<bool>& same, int bins,
                                  std::vector<ReliabilityBin>* table) {
  const auto n_same = static_cast<double>(std::count(same.begin(), same.end(), true));
  const double n_different = static_cast<double>(same.size()) - n_same;
  if (n_same == 0.0 || n_different == 0.0) return expected_calibration_error(confidence, same, bins, table);
  std::vector<double> weight(same.size());
  for (std::size_t i = 0; i < same.size(); ++i) weight[i] = 0.5 / (same[i] ? n_same : n_different);
  return weighted_calibration_error(confidence, same, weight, bins, table);
}

double roc_auc(const std::vector<double>& distance, const std::vector<bool>& same) {
  std::vector<std::size_t> order(distance.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t l, std::size_t r) { return distance[l] < distance[r]; });
  const auto n_same = static_cast<double>(std::count(same.begin(), same.end(), true));
  const double n_diff = static_cast<double>(same.size()) - n_same;
  if (n_same == 0 || n_diff == 0) return std::numeric_limits<double>::quiet_NaN();
  // P(a same pair is closer than a different pair), ties counting half.
  double wins = 0, diff_seen = 0;
  for (std::size_t i = 0; i < order.size();) {
    double s = 0, d = 0;
    std::size_t j = i;
    for (; j < order.size() && distance[order[j]] == distance[order[i]]; ++j) (same[order[j]] ? s : d) += 1;
    wins += s * (n_diff - diff_seen - d) + 0.5 * s * d;
    diff_seen += d;
    i = j;
  }
  return wins / (n_same * n_diff);
}

namespace {

double accuracy_at(const std::vector<ScoredPair>& pairs, double threshold, int fold) {
  std::size_t n = 0, right = 0;
  for (const auto& p : pairs) {
    if (fold >= 0 && p.fold != fold) continue;
    ++n;
    if (!p.failed && (p.distance <= threshold) == p.same) ++right;
  }
  return n == 0 ? 0.0 : static_cast<double>(right) / static_cast<double>(n);
}

}  // namespace

Evaluation evaluate_pairs(const std::vector<ScoredPair>& pairs, double tolerance, const Calibration& calibration,
                          int folds) {
  Evaluation e;
  e.tolerance = tolerance;
  e.pairs = pairs.size();
  std::size_t accepted_diff = 0, rejected_same = 0;
  std::vector<double> dist, conf;
  std::vector<bool> label, conf_label;
  for (const auto& p : pairs) {
    (p.same ? e.same : e.different)++;
    if (p.failed) {
      ++e.failed_pairs;
      if (p.same) ++rejected_same;
      dist.push_back(std::numeric_limits<double>::infinity());
    } else {
      if (p.same && p.distance > tolerance) ++rejected_same;
      if (!p.same && p.distance <= tolerance) ++accepted_diff;
      dist.push_back(p.distance);
      conf.push_back(calibration.probability_same(p.distance, p.mirror_gaps));
      conf_label.push_back(p.same);
    }
    label.push_back(p.same);
  }
  e.accuracy = accuracy_at(pairs, tolerance, -1);
  e.far = e.different ? static_cast<double>(accepted_diff) / static_cast<double>(e.different) : 0.0;
  e.frr = e.same ? static_cast<double>(rejected_same) / static_cast<double>(e.same) : 0.0;
  e.auc = roc_auc(dist, label);
  e.ece = expected_calibration_error(conf, conf_label, 10, &e.reliability);
  e.balanced_ece = balanced_calibration_error(conf, conf_label, 10);

  // Best threshold: try midpoints between consecutive distinct distances.
  std::vector<double> sorted;
  for (const auto& p : pairs)
    if (!p.failed) sorted.push_back(p.distance);
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  e.best_threshold = tolerance;
  e.best_accuracy = e.accuracy;
  for (std::size_t i = 0; i + 1 < sorted.size(); ++i) {
    const double t = 0.5 * (sorted[i] + sorted[i + 1]);
    const double a = accuracy_at(pairs, t, -1);
    if (a > e.best_accuracy) e.best_accuracy = a, e.best_threshold = t;
  }

  // TAR at FAR <= target: the largest threshold below the k-th closest
  // different pair, where k = floor(target * different) false accepts are allowed.
  std::vector<double> diff_d;
  for (const auto& p : pairs)
    if (!p.same && !p.failed) diff_d.push_back(p.distance);
  e.tar_threshold = diff_d.empty() ? 2.0 : threshold_at_fmr(diff_d, e.far_target);
  std::size_t true_accepts = 0;
  for (const auto& p : pairs)
    if (p.same && !p.failed && p.distance <= e.tar_threshold) ++true_accepts;
  e.tar_at_far = e.same ? static_cast<double>(true_accepts) / static_cast<double>(e.same) : 0.0;

  for (int f = 0; f < std::max(folds, 1); ++f)
    e.fold_accuracy.push_back(folds > 1 ? accuracy_at(pairs, tolerance, f) : e.accuracy);
  const double n = static_cast<double>(e.fold_accuracy.size());
  e.fold_mean = std::accumulate(e.fold_accuracy.begin(), e.fold_accuracy.end(), 0.0) / n;
  double ss = 0;
  for (double a : e.fold_accuracy) ss += (a - e.fold_mean) * (a - e.fold_mean);
  e.fold_std = n > 1 ? std::sqrt(ss / (n - 1)) : 0.0;
  return e;
}

}  // namespace biosense
