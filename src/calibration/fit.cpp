#include "biosense/calibration/fit.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace biosense {
namespace {

/// log(1 + exp(x)) without overflow.
double log1pexp(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }

/// -H^-1 g for a k x k (k <= 3) symmetric positive definite H, by Gaussian
/// elimination with partial pivoting.
std::vector<double> solve_symmetric(const double (&h)[3][3], const double (&g)[3], std::size_t k) {
  double a[3][4];
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < k; ++j) a[i][j] = h[i][j];
    a[i][k] = -g[i];
  }
  for (std::size_t c = 0; c < k; ++c) {
    std::size_t pivot = c;
    for (std::size_t r = c + 1; r < k; ++r)
      if (std::abs(a[r][c]) > std::abs(a[pivot][c])) pivot = r;
    for (std::size_t j = 0; j <= k; ++j) std::swap(a[c][j], a[pivot][j]);
    for (std::size_t r = c + 1; r < k; ++r) {
      const double m = a[r][c] / a[c][c];
      for (std::size_t j = c; j <= k; ++j) a[r][j] -= m * a[c][j];
    }
  }
  std::vector<double> x(k);
  for (std::size_t i = k; i-- > 0;) {
    double s = a[i][k];
    for (std::size_t j = i + 1; j < k; ++j) s -= a[i][j] * x[j];
    x[i] = s / a[i][i];
  }
  return x;
}

class LogisticCalibration final : public Calibration {
 public:
  LogisticCalibration(LogisticParams p, std::string name) : p_(p), name_(std::move(name)) {}
  std::string name() const override { return name_; }

 private:
  double probability(double distance, std::optional<double> mirror_gaps) const override {
    const double gaps = p_.gap_weight != 0.0 && mirror_gaps ? *mirror_gaps : p_.gap_mean;
    const double z = p_.slope * (distance - p_.midpoint) - p_.gap_weight * (gaps - p_.gap_mean);
    return z >= 0 ? std::exp(-z) / (1.0 + std::exp(-z)) : 1.0 / (1.0 + std::exp(z));
  }
  LogisticParams p_;
  std::string name_;
};

class IsotonicCalibration final : public Calibration {
 public:
  IsotonicCalibration(IsotonicCurve c, std::string name) : c_(std::move(c)), name_(std::move(name)) {
    if (c_.distances.empty() || c_.distances.size() != c_.probabilities.size())
      throw std::invalid_argument("isotonic curve: knots missing or of unequal length");
  }
  std::string name() const override { return name_; }

 private:
  double probability(double distance, std::optional<double>) const override {
    const auto& x = c_.distances;
    const auto& y = c_.probabilities;
    if (distance <= x.front()) return y.front();
    if (distance >= x.back()) return y.back();
    const auto hi = static_cast<std::size_t>(std::upper_bound(x.begin(), x.end(), distance) - x.begin());
    const std::size_t lo = hi - 1;
    const double t = (distance - x[lo]) / (x[hi] - x[lo]);
    return y[lo] + t * (y[hi] - y[lo]);
  }

  IsotonicCurve c_;
  std::string name_;
};

class UserTableCalibration final : public Calibration {
 public:
  std::string name() const override { return "user-table"; }

 private:
  double probability(double distance, std::optional<double>) const override {
    static constexpr double kPercent[] = {100, 90, 85, 80, 75, 70, 65, 50, 30, 10};
    if (distance < 0.0) return 1.0;
    const auto bin = static_cast<std::size_t>(distance * 10.0);
    return bin < 10 ? kPercent[bin] / 100.0 : 0.0;
  }
};

class WikiFormulaCalibration final : public Calibration {
 public:
  std::string name() const override { return "face_recognition-wiki"; }

 private:
  double probability(double distance, std::optional<double>) const override {
    constexpr double kThreshold = 0.6;
    if (distance > kThreshold) return std::clamp((1.0 - distance) / ((1.0 - kThreshold) * 2.0), 0.0, 1.0);
    const double linear = 1.0 - distance / (kThreshold * 2.0);
    return std::clamp(linear + (1.0 - linear) * std::pow((linear - 0.5) * 2.0, 0.2), 0.0, 1.0);
  }
};

}  // namespace

void balance_labels(std::vector<LabelledDistance>& data) {
  std::size_t same = 0;
  for (const auto& d : data) same += d.same ? 1 : 0;
  const std::size_t different = data.size() - same;
  if (same == 0 || different == 0) return;
  const double total = static_cast<double>(data.size());
  for (auto& d : data) d.weight = total / (2.0 * static_cast<double>(d.same ? same : different));
}

LogisticParams fit_logistic(const std::vector<LabelledDistance>& data, bool use_gaps) {
  double n_pos = 0, n_neg = 0, gap_sum = 0, weight_sum = 0;
  for (const auto& d : data) {
    if (!(d.weight > 0.0)) throw std::invalid_argument("every pair needs a positive weight");
    (d.same ? n_pos : n_neg) += d.weight;
    weight_sum += d.weight;
    if (use_gaps && !d.mirror_gaps) throw std::invalid_argument("a fit with mirror gaps needs them for every pair");
    if (use_gaps) gap_sum += d.weight * *d.mirror_gaps;
  }
  if (n_pos == 0 || n_neg == 0) throw std::invalid_argument("a logistic fit needs same and different pairs");
  const double t_pos = (n_pos + 1) / (n_pos + 2), t_neg = 1 / (n_neg + 2);
  const double gap_mean = use_gaps ? gap_sum / weight_sum : 0.0;

  // Platt's form P = 1 / (1 + exp(w . x)) with x = (distance, 1) or
  // (distance, 1, gaps - gap_mean); minimise the cross-entropy against the
  // smoothed targets. Start from a flat curve at the prior.
  const std::size_t k = use_gaps ? 3 : 2;
  std::vector<double> w(k, 0.0);
  w[1] = std::log((n_neg + 1) / (n_pos + 1));
  auto inputs = [&](const LabelledDistance& d, double* x) {
    x[0] = d.distance;
    x[1] = 1.0;
    if (use_gaps) x[2] = *d.mirror_gaps - gap_mean;
  };
  auto z_of = [&](const std::vector<double>& cw, const double* x) {
    double z = 0;
    for (std::size_t i = 0; i < k; ++i) z += cw[i] * x[i];
    return z;
  };
  auto loss = [&](const std::vector<double>& cw) {
    double f = 0, x[3];
    for (const auto& d : data) {
      inputs(d, x);
      const double z = z_of(cw, x), t = d.same ? t_pos : t_neg;
      f += d.weight * (t * log1pexp(z) + (1 - t) * log1pexp(-z));  // -log P(t) with P = sigmoid(-z)
    }
    return f;
  };
  double f = loss(w);
  for (int iter = 0; iter < 100; ++iter) {
    double g[3] = {0, 0, 0}, h[3][3] = {{1e-12, 0, 0}, {0, 1e-12, 0}, {0, 0, 1e-12}}, x[3];
    for (const auto& d : data) {
      inputs(d, x);
      const double t = d.same ? t_pos : t_neg;
      const double p = 1.0 / (1.0 + std::exp(-z_of(w, x)));  // sigmoid(z) = 1 - P(same)
      const double r = d.weight * (p - (1 - t)), v = d.weight * p * (1 - p);
      for (std::size_t i = 0; i < k; ++i) {
        g[i] += x[i] * r;
        for (std::size_t j = 0; j < k; ++j) h[i][j] += x[i] * x[j] * v;
      }
    }
    double gnorm = 0;
    for (std::size_t i = 0; i < k; ++i) gnorm = std::max(gnorm, std::abs(g[i]));
    if (gnorm < 1e-9) break;
    const std::vector<double> dir = solve_symmetric(h, g, k);  // Newton step: -H^-1 g
    double slope_along = 0;
    for (std::size_t i = 0; i < k; ++i) slope_along += g[i] * dir[i];
    double step = 1.0, next = f;
    std::vector<double> trial(k);
    while (step > 1e-10) {
      for (std::size_t i = 0; i < k; ++i) trial[i] = w[i] + step * dir[i];
      next = loss(trial);
      if (next < f + 1e-4 * step * slope_along) break;
      step /= 2;
    }
    if (step <= 1e-10) break;
    w = trial;
    const bool converged = std::abs(f - next) < 1e-12 * std::max(1.0, std::abs(f));
    f = next;
    if (converged) break;
  }
  if (w[0] <= 0.0)
    throw std::invalid_argument("the fitted curve does not fall with distance: the labels look inverted");
  // w . x = slope * (distance - midpoint) - gap_weight * (gaps - gap_mean)
  return {w[0], -w[1] / w[0], use_gaps ? -w[2] : 0.0, gap_mean};
}

IsotonicCurve fit_isotonic(const std::vector<LabelledDistance>& data) {
  if (data.empty()) throw std::invalid_argument("an isotonic fit needs data");
  std::vector<LabelledDistance> sorted = data;
  std::sort(sorted.begin(), sorted.end(),
            [](const LabelledDistance& l, const LabelledDistance& r) { return l.distance < r.distance; });
  struct Block {
    double sum_y, sum_x, n;
  };
  std::vector<Block> blocks;
  for (std::size_t i = 0; i < sorted.size();) {
    // Equal distances form one block: the curve is a function of distance.
    Block b{0, 0, 0};
    const double x = sorted[i].distance;
    for (; i < sorted.size() && sorted[i].distance == x; ++i) {
      const double w = sorted[i].weight;
      b = {b.sum_y + (sorted[i].same ? w : 0), b.sum_x + w * x, b.n + w};
    }
    blocks.push_back(b);
    // Non-increasing: pool while the newer block's mean is not below the previous one's.
    while (blocks.size() > 1) {
      const Block& last = blocks.back();
      const Block& prev = blocks[blocks.size() - 2];
      if (last.sum_y / last.n < prev.sum_y / prev.n) break;  // equal levels pool too: fewer knots
      const Block merged{prev.sum_y + last.sum_y, prev.sum_x + last.sum_x, prev.n + last.n};
      blocks.pop_back();
      blocks.back() = merged;
    }
  }
  IsotonicCurve curve;
  for (const auto& b : blocks) {
    curve.distances.push_back(b.sum_x / b.n);
    curve.probabilities.push_back(b.sum_y / b.n);
  }
  return curve;
}

std::unique_ptr<Calibration> make_logistic_calibration(LogisticParams params, std::string name) {
  return std::make_unique<LogisticCalibration>(params, std::move(name));
}
std::unique_ptr<Calibration> make_isotonic_calibration(IsotonicCurve curve, std::string name) {
  return std::make_unique<IsotonicCalibration>(std::move(curve), std::move(name));
}
std::unique_ptr<Calibration> make_user_table_calibration() { return std::make_unique<UserTableCalibration>(); }
std::unique_ptr<Calibration> make_wiki_formula_calibration() { return std::make_unique<WikiFormulaCalibration>(); }

}  // namespace biosense
