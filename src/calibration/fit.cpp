#include "biosense/calibration/fit.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace biosense {
namespace {

/// log(1 + exp(x)) without overflow.
double log1pexp(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }

class LogisticCalibration final : public Calibration {
 public:
  LogisticCalibration(LogisticParams p, std::string name) : p_(p), name_(std::move(name)) {}
  double probability_same(double distance) const override {
    const double z = p_.slope * (distance - p_.midpoint);
    return z >= 0 ? std::exp(-z) / (1.0 + std::exp(-z)) : 1.0 / (1.0 + std::exp(z));
  }
  std::string name() const override { return name_; }

 private:
  LogisticParams p_;
  std::string name_;
};

class IsotonicCalibration final : public Calibration {
 public:
  IsotonicCalibration(IsotonicCurve c, std::string name) : c_(std::move(c)), name_(std::move(name)) {
    if (c_.distances.empty() || c_.distances.size() != c_.probabilities.size())
      throw std::invalid_argument("isotonic curve: knots missing or of unequal length");
  }
  double probability_same(double distance) const override {
    const auto& x = c_.distances;
    const auto& y = c_.probabilities;
    if (distance <= x.front()) return y.front();
    if (distance >= x.back()) return y.back();
    const auto hi = static_cast<std::size_t>(std::upper_bound(x.begin(), x.end(), distance) - x.begin());
    const std::size_t lo = hi - 1;
    const double t = (distance - x[lo]) / (x[hi] - x[lo]);
    return y[lo] + t * (y[hi] - y[lo]);
  }
  std::string name() const override { return name_; }

 private:
  IsotonicCurve c_;
  std::string name_;
};

class UserTableCalibration final : public Calibration {
 public:
  double probability_same(double distance) const override {
    static constexpr double kPercent[] = {100, 90, 85, 80, 75, 70, 65, 50, 30, 10};
    if (distance < 0.0) return 1.0;
    const auto bin = static_cast<std::size_t>(distance * 10.0);
    return bin < 10 ? kPercent[bin] / 100.0 : 0.0;
  }
  std::string name() const override { return "user-table"; }
};

class WikiFormulaCalibration final : public Calibration {
 public:
  double probability_same(double distance) const override {
    constexpr double kThreshold = 0.6;
    if (distance > kThreshold) return std::clamp((1.0 - distance) / ((1.0 - kThreshold) * 2.0), 0.0, 1.0);
    const double linear = 1.0 - distance / (kThreshold * 2.0);
    return std::clamp(linear + (1.0 - linear) * std::pow((linear - 0.5) * 2.0, 0.2), 0.0, 1.0);
  }
  std::string name() const override { return "face_recognition-wiki"; }
};

}  // namespace

LogisticParams fit_logistic(const std::vector<LabelledDistance>& data) {
  double n_pos = 0, n_neg = 0;
  for (const auto& d : data) (d.same ? n_pos : n_neg) += 1;
  if (n_pos == 0 || n_neg == 0) throw std::invalid_argument("a logistic fit needs same and different pairs");
  const double t_pos = (n_pos + 1) / (n_pos + 2), t_neg = 1 / (n_neg + 2);

  // Platt's form P = 1 / (1 + exp(A d + B)); minimise the cross-entropy
  // against the smoothed targets. Start from a flat curve at the prior.
  double a = 0.0, b = std::log((n_neg + 1) / (n_pos + 1));
  auto loss = [&](double ca, double cb) {
    double f = 0;
    for (const auto& d : data) {
      const double z = ca * d.distance + cb, t = d.same ? t_pos : t_neg;
      f += t * log1pexp(z) + (1 - t) * log1pexp(-z);  // -log P(t) with P = sigmoid(-z)
    }
    return f;
  };
  double f = loss(a, b);
  for (int iter = 0; iter < 100; ++iter) {
    double g1 = 0, g2 = 0, h11 = 1e-12, h22 = 1e-12, h21 = 0;
    for (const auto& d : data) {
      const double z = a * d.distance + b, t = d.same ? t_pos : t_neg;
      const double p = 1.0 / (1.0 + std::exp(-z));  // sigmoid(z) = 1 - P(same)
      const double r = p - (1 - t);
      const double w = p * (1 - p);
      g1 += d.distance * r;
      g2 += r;
      h11 += d.distance * d.distance * w;
      h22 += w;
      h21 += d.distance * w;
    }
    if (std::abs(g1) < 1e-9 && std::abs(g2) < 1e-9) break;
    const double det = h11 * h22 - h21 * h21;
    const double da = -(h22 * g1 - h21 * g2) / det, db = -(-h21 * g1 + h11 * g2) / det;
    double step = 1.0, next = f;
    while (step > 1e-10) {
      next = loss(a + step * da, b + step * db);
      if (next < f + 1e-4 * step * (g1 * da + g2 * db)) break;
      step /= 2;
    }
    if (step <= 1e-10) break;
    a += step * da;
    b += step * db;
    const bool converged = std::abs(f - next) < 1e-12 * std::max(1.0, std::abs(f));
    f = next;
    if (converged) break;
  }
  if (a <= 0.0) throw std::invalid_argument("the fitted curve does not fall with distance: the labels look inverted");
  return {a, -b / a};
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
    for (; i < sorted.size() && sorted[i].distance == x; ++i)
      b = {b.sum_y + (sorted[i].same ? 1 : 0), b.sum_x + x, b.n + 1};
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
