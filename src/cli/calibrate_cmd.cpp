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
#include "biosense/calibration/metrics.hpp"
#include "biosense/cli/errors.hpp"
#include "biosense/cli/exit_code.hpp"
#include "biosense/engine/models.hpp"
#include "pair_scoring.hpp"
#include "site_scoring.hpp"

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

/// ECEs and log loss with each label weighing half, as the fit does
/// (balance_labels()).
template <typename Fit>
FitScore score_fit(const std::vector<LabelledDistance>& data, Fit fit) {
  FitScore s;
  auto confidences = [](const Calibration& c, const std::vector<LabelledDistance>& d, std::vector<double>& p,
                        std::vector<bool>& y, std::vector<double>& w) {
    for (const auto& x : d)
      p.push_back(c.probability_same(x.distance, x.mirror_gaps)), y.push_back(x.same), w.push_back(x.weight);
  };
  {
    std::vector<double> p, w;
    std::vector<bool> y;
    confidences(*fit(data), data, p, y, w);
    s.ece = balanced_calibration_error(p, y, 10);
  }
  constexpr std::size_t kFolds = 5;
  std::vector<double> p, w;
  std::vector<bool> y;
  // Folds stratified by label (each label dealt round-robin), so every
  // training fold holds both labels whatever order the pairs come in.
  std::vector<std::size_t> fold(data.size());
  std::size_t dealt[2] = {0, 0};
  for (std::size_t i = 0; i < data.size(); ++i) fold[i] = dealt[data[i].same ? 1 : 0]++ % kFolds;
  for (std::size_t f = 0; f < kFolds; ++f) {
    std::vector<LabelledDistance> train, test;
    for (std::size_t i = 0; i < data.size(); ++i) (fold[i] == f ? test : train).push_back(data[i]);
    confidences(*fit(train), test, p, y, w);
  }
  s.cv_ece = balanced_calibration_error(p, y, 10);
  double weight = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) s.cv_log_loss += w[i] * log_loss(p[i], y[i]), weight += w[i];
  s.cv_log_loss /= std::max(weight, 1e-12);
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

void print_operating_point(std::ostream& out, const OperatingPoint& op) {
  out << fmt::format(
      "threshold       {:.4f} for FMR {:g} (95% interval {:.4f} .. {:.4f}): FMR {:.4f}% of {} different pairs, "
      "FNMR {:.2f}% ({:.2f} .. {:.2f}%) of {} same pairs\n",
      op.threshold, op.target_fmr, op.threshold_low, op.threshold_high, 100 * op.fmr, op.impostors, 100 * op.fnmr,
      100 * op.fnmr_low, 100 * op.fnmr_high, op.genuine);
}

/// The labelled distances a calibration is fit on, and what they were.
struct Inputs {
  std::vector<LabelledDistance> data;
  FittedOn fitted_on;
  std::string name;  ///< the pairs file or the database, for messages
};

FittedOn fitted_on(std::string source, const DetectionOptions& d) {
  FittedOn f;
  f.source = std::move(source);
  f.upsample = d.upsample;
  f.detection = d.describe();
  f.jitters = d.jitters;
  f.mirror = d.mirror;
  return f;
}

Inputs from_pairs(const CommandContext& ctx, const CalibrateOptions& o) {
  const auto in = cli::score_pairs_file(ctx, o.pairs, o.images, o.cpus, o.detection);
  Inputs out{{}, fitted_on(std::filesystem::path(o.pairs).filename().string(), o.detection), o.pairs};
  out.fitted_on.pairs = in.scored.pairs.size();
  for (const auto& p : in.scored.pairs) {
    (p.same ? out.fitted_on.same : out.fitted_on.different)++;
    if (p.failed) ++out.fitted_on.failed_pairs;
    if (!p.failed) out.data.push_back({p.distance, p.same, p.mirror_gaps});
  }
  ctx.out << fmt::format("fit on          {}: {} pairs ({} same, {} different), {} failed pairs left out\n",
                         out.fitted_on.source, out.fitted_on.pairs, out.fitted_on.same, out.fitted_on.different,
                         out.fitted_on.failed_pairs);
  return out;
}

Inputs from_database(const CommandContext& ctx, const CalibrateOptions& o) {
  const auto site = cli::score_site(ctx, o.max_snapshots, o.cpus, o.detection);
  Inputs out{site.pairs.pairs, fitted_on("database " + site.database, o.detection), site.database};
  for (const auto& p : out.data) (p.same ? out.fitted_on.same : out.fitted_on.different)++;
  out.fitted_on.pairs = out.data.size();
  const auto& sp = site.pairs;
  ctx.out << fmt::format(
      "fit on          {}: {} agents' benchmarks, {} decided snapshots read ({} without exactly one face left "
      "out, {} of agents with no benchmark)\n"
      "comparisons     {} same-person (own benchmark), {} different-person (other agents' benchmarks); {} "
      "snapshots lay closer to another agent's benchmark than to their own: those two comparisons left out\n"
      "resolvable FMR  {:.2g} and above (3 / different-person comparisons)\n",
      out.name, sp.agents, site.snapshots_read, site.snapshots_unusable, sp.without_benchmark, out.fitted_on.same,
      out.fitted_on.different, sp.genuine_left_out,
      3.0 / static_cast<double>(std::max<std::size_t>(out.fitted_on.different, 1)));
  return out;
}

}  // namespace

int run_calibrate(const CommandContext& ctx, const CalibrateOptions& o) {
  Inputs in = o.from_db ? from_database(ctx, o) : from_pairs(ctx, o);
  auto& data = in.data;
  // The curve answers for an even prior whatever the mix (webcam pairs: 18
  // different pairs to a same one; docs/accuracy.md).
  balance_labels(data);
  // Mirrored encodings measure each face's mirror gap: the logistic curve may
  // then take the gaps as a second input, and does when that fits better out
  // of sample (5-fold CV log loss; docs/accuracy.md, "Mirror gaps").
  const bool gaps = !data.empty() && std::all_of(data.begin(), data.end(), [](const auto& d) { return d.mirror_gaps; });
  CalibrationSpec spec;
  spec.model_version = kModelVersion;
  spec.method = o.method;
  spec.fitted_on = in.fitted_on;
  // The threshold first: a request the data cannot resolve is refused before the fit.
  if (const auto target = o.target_fmr ? o.target_fmr : o.from_db ? std::optional<double>(1e-3) : std::nullopt) {
    try {
      spec.operating_point = fit_operating_point(data, *target, spec.fitted_on.source);
    } catch (const std::invalid_argument& e) {  // InsufficientData among them
      throw UsageError(fmt::format("{}: cannot set a threshold: {}", in.name, e.what()));
    }
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
    throw UsageError(fmt::format("{}: cannot fit a calibration: {}", in.name, e.what()));
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
  if (const auto& op = spec.operating_point) print_operating_point(out, *op);
  out << fmt::format("wrote           {} ({})\n", o.output, o.method);
  return to_int(ExitCode::Ok);
}

}  // namespace biosense
