#include "biosense/calibration/operating_point.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include <fmt/format.h>

namespace biosense {

std::size_t impostors_needed(double target_fmr) { return static_cast<std::size_t>(std::ceil(3.0 / target_fmr - 1e-9)); }

double threshold_at_fmr(std::vector<double>& impostor_distances, double target_fmr) {
  std::sort(impostor_distances.begin(), impostor_distances.end());
  const auto allowed =
      static_cast<std::size_t>(std::floor(target_fmr * static_cast<double>(impostor_distances.size())));
  if (allowed >= impostor_distances.size()) return 2.0;
  const double next = impostor_distances[allowed];  // the first one that must stay out
  // Just below it when none may pass, or when the last one let in ties with it.
  if (allowed == 0 || impostor_distances[allowed - 1] >= next) return std::nextafter(next, 0.0);
  // Half-way to the last one let in: the same rows are accepted, and a
  // re-encoding's last-digit noise (BLAS threads) cannot tip one across.
  return 0.5 * (impostor_distances[allowed - 1] + next);
}

std::pair<double, double> wilson_interval(std::size_t k, std::size_t n) {
  if (n == 0) return {0.0, 0.0};
  constexpr double z = 1.959963984540054;
  const double nn = static_cast<double>(n), p = static_cast<double>(k) / nn;
  const double centre = (p + z * z / (2 * nn)) / (1 + z * z / nn);
  const double half = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / (1 + z * z / nn);
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

OperatingPoint fit_operating_point(const std::vector<LabelledDistance>& data, double target_fmr, std::string source,
                                   int bootstrap) {
  if (!(target_fmr > 0.0 && target_fmr < 1.0))
    throw std::invalid_argument(fmt::format("a target false-match rate must lie between 0 and 1, not {}", target_fmr));
  std::vector<double> impostor, genuine;
  for (const auto& d : data) (d.same ? genuine : impostor).push_back(d.distance);
  const std::size_t needed = impostors_needed(target_fmr);
  if (impostor.size() < needed)
    throw InsufficientData(fmt::format(
        "{} different-person comparisons cannot resolve a false-match rate of {:g}: it takes at least {} (3 / FMR); "
        "ask for a rate of {:.2g} or more, or add data",
        impostor.size(), target_fmr, needed, 3.0 / static_cast<double>(std::max<std::size_t>(impostor.size(), 1))));
  if (genuine.empty()) throw InsufficientData("no same-person comparison: the false non-match rate cannot be measured");

  OperatingPoint op;
  op.target_fmr = target_fmr;
  op.source = std::move(source);
  op.genuine = genuine.size();
  op.impostors = impostor.size();
  op.threshold = threshold_at_fmr(impostor, target_fmr);  // sorts `impostor`
  const auto accepted =
      static_cast<std::size_t>(std::upper_bound(impostor.begin(), impostor.end(), op.threshold) - impostor.begin());
  op.fmr = static_cast<double>(accepted) / static_cast<double>(impostor.size());
  const auto rejected = static_cast<std::size_t>(
      std::count_if(genuine.begin(), genuine.end(), [&](double d) { return d > op.threshold; }));
  op.fnmr = static_cast<double>(rejected) / static_cast<double>(genuine.size());
  std::tie(op.fnmr_low, op.fnmr_high) = wilson_interval(rejected, genuine.size());

  // The threshold's spread: the same rule on resamples of the different pairs.
  std::mt19937_64 rng(20261207);  // fixed: the same file gives the same interval
  std::uniform_int_distribution<std::size_t> pick(0, impostor.size() - 1);
  std::vector<double> thresholds, sample(impostor.size());
  for (int b = 0; b < bootstrap; ++b) {
    for (auto& x : sample) x = impostor[pick(rng)];
    thresholds.push_back(threshold_at_fmr(sample, target_fmr));
  }
  if (thresholds.empty()) {
    op.threshold_low = op.threshold_high = op.threshold;
  } else {
    std::sort(thresholds.begin(), thresholds.end());
    auto at = [&](double q) {
      return thresholds[std::min(thresholds.size() - 1,
                                 static_cast<std::size_t>(q * static_cast<double>(thresholds.size())))];
    };
    op.threshold_low = at(0.025);
    op.threshold_high = at(0.975);
  }
  return op;
}

}  // namespace biosense
