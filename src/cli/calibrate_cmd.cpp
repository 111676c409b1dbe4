/// `biosense calibrate`: fits distance -> P(same) on labelled pairs, reports
/// the logistic and the isotonic fit side by side, writes the chosen one.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <ostream>

#include <fmt/format.h>

#include "biosense/calibration/calibration_file.hpp"
#include "biosense/cli/errors.hpp"
#include "biosense/cli/exit_code.hpp"
#include "biosense/engine/models.hpp"
#include "pair_scoring.hpp"

namespace biosense {
namespace {

struct FitScore {
  double ece = 0.0;     ///< on the pairs it was fit on
  double cv_ece = 0.0;  ///< 5-fold cross-validated
  double cv_log_loss = 0.0;
};

double log_loss(double p, bool same) {
  const double q = std::clamp(same ? p : 1.0 - p, 1e-6, 1.0);
  return -std::log(q);
}

template <typename Fit>
FitScore score_fit(const std::vector<LabelledDistance>& data, Fit fit) {
  FitScore s;
  auto confidences = [](const Calibration& c, const std::vector<LabelledDistance>& d, std::vector<double>& p,
                        std::vector<bool>& y) {
    for (const auto& x : d) p.push_back(c.probability_same(x.distance, x.mirror_gaps)), y.push_back(x.same);
  };
  {
    std::vector<double> p;
    std::vector<bool> y;
    confidences(*fit(data), data, p, y);
    s.ece = expected_calibration_error(p, y, 10);
  }
  constexpr std::size_t kFolds = 5;
  std::vector<double> p;
  std::vector<bool> y;
  for (std::size_t f = 0; f < kFolds; ++f) {
    std::vector<LabelledDistance> train, test;
    for (std::size_t i = 0; i < data.size(); ++i) (i % kFolds == f ? test : train).push_back(data[i]);
    confidences(*fit(train), test, p, y);
  }
  s.cv_ece = expected_calibration_error(p, y, 10);
  for (std::size_t i = 0; i < p.size(); ++i) s.cv_log_loss += log_loss(p[i], y[i]);
  s.cv_log_loss /= static_cast<double>(std::max<std::size_t>(p.size(), 1));
  return s;
}

std::string utc_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

int run_calibrate(const CommandContext& ctx, const CalibrateOptions& o) {
  const auto in = cli::score_pairs_file(ctx, o.pairs, o.images, o.cpus, o.detection);
  std::vector<LabelledDistance> data;
  for (const auto& p : in.scored.pairs)
    if (!p.failed) data.push_back({p.distance, p.same, p.mirror_gaps});
  // Mirrored encodings measure each face's mirror gap: the logistic curve may
  // then take the gaps as a second input, and does when that fits better out
  // of sample (5-fold CV log loss; docs/accuracy.md, "Mirror gaps").
  const bool gaps = !data.empty() && std::all_of(data.begin(), data.end(), [](const auto& d) { return d.mirror_gaps; });
  CalibrationSpec spec;
  spec.model_version = kModelVersion;
  spec.method = o.method;
  spec.fitted_on = {std::filesystem::path(o.pairs).filename().string(),
                    in.scored.pairs.size(),
                    0,
                    0,
                    0,
                    o.detection.upsample,
                    o.detection.describe(),
                    o.detection.jitters,
                    o.detection.mirror};
  for (const auto& p : in.scored.pairs) {
    (p.same ? spec.fitted_on.same : spec.fitted_on.different)++;
    if (p.failed) ++spec.fitted_on.failed_pairs;
  }
  LogisticParams distance_only, with_gaps;
  IsotonicCurve isotonic;
  FitScore distance_score, gaps_score, isotonic_score;
  try {
    distance_only = fit_logistic(data);
    isotonic = fit_isotonic(data);
    distance_score = score_fit(data, [](const auto& d) { return make_logistic_calibration(fit_logistic(d), "cv"); });
    isotonic_score = score_fit(data, [](const auto& d) { return make_isotonic_calibration(fit_isotonic(d), "cv"); });
    if (gaps) {
      with_gaps = fit_logistic(data, true);
      gaps_score =
          score_fit(data, [](const auto& d) { return make_logistic_calibration(fit_logistic(d, true), "cv"); });
    }
  } catch (const std::invalid_argument& e) {
    throw UsageError(fmt::format("{}: cannot fit a calibration: {}", o.pairs, e.what()));
  }
  const bool use_gaps = gaps && gaps_score.cv_log_loss < distance_score.cv_log_loss;
  const LogisticParams& logistic = use_gaps ? with_gaps : distance_only;
  const FitScore& logistic_score = use_gaps ? gaps_score : distance_score;
  spec.logistic = logistic;
  spec.isotonic = isotonic;
  spec.ece = o.method == "logistic" ? logistic_score.ece : isotonic_score.ece;
  spec.created = utc_now();

  std::ofstream file(o.output);
  if (!file) throw UsageError(o.output + ": cannot write the calibration file");
  file << to_json(spec);
  file.close();
  if (!file) throw UsageError(o.output + ": writing the calibration file failed");

  auto& out = ctx.out;
  out << fmt::format("fit on          {}: {} pairs ({} same, {} different), {} failed pairs left out\n",
                     spec.fitted_on.source, spec.fitted_on.pairs, spec.fitted_on.same, spec.fitted_on.different,
                     spec.fitted_on.failed_pairs);
  auto logistic_line = [&](const char* label, const LogisticParams& l, const FitScore& score) {
    const std::string gap_term =
        l.gap_weight != 0.0 ? fmt::format(", mirror-gap weight {:.3f} (mean gaps {:.4f})", l.gap_weight, l.gap_mean)
                            : std::string{};
    out << fmt::format("{:<16}slope {:.3f}, midpoint {:.4f}{}: ECE {:.4f}, 5-fold CV ECE {:.4f}, CV log loss {:.4f}\n",
                       label, l.slope, l.midpoint, gap_term, score.ece, score.cv_ece, score.cv_log_loss);
  };
  logistic_line("logistic", logistic, logistic_score);
  if (gaps) {  // the other logistic curve, for comparison
    if (use_gaps)
      logistic_line("  distance only", distance_only, distance_score);
    else
      logistic_line("  with gaps", with_gaps, gaps_score);
    out << fmt::format("{:<16}(not written: its CV log loss is {})\n", "", use_gaps ? "larger" : "not smaller");
  }
  out << fmt::format("isotonic        {} knots: ECE {:.4f}, 5-fold CV ECE {:.4f}, CV log loss {:.4f}\n",
                     isotonic.distances.size(), isotonic_score.ece, isotonic_score.cv_ece, isotonic_score.cv_log_loss);
  out << fmt::format("wrote           {} ({})\n", o.output, o.method);
  return to_int(ExitCode::Ok);
}

}  // namespace biosense
