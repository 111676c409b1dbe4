/// `biosense evaluate`: verification accuracy, error rates and calibration
/// quality on labelled pairs (docs/accuracy.md explains every number).
#include <cmath>
#include <fstream>
#include <ostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "biosense/calibration/fit.hpp"
#include "biosense/cli/errors.hpp"
#include "biosense/cli/exit_code.hpp"
#include "calibration_choice.hpp"
#include "pair_scoring.hpp"

namespace biosense {
namespace {

struct CurveScore {
  std::string name;
  double ece;
};

/// ECE of other distance -> confidence curves on the same pairs.
std::vector<CurveScore> other_curves(const std::vector<ScoredPair>& pairs) {
  std::vector<std::unique_ptr<Calibration>> curves;
  curves.push_back(make_provisional_calibration());
  curves.push_back(make_user_table_calibration());
  curves.push_back(make_wiki_formula_calibration());
  std::vector<CurveScore> out;
  for (const auto& c : curves) {
    std::vector<double> conf;
    std::vector<bool> same;
    for (const auto& p : pairs)
      if (!p.failed) conf.push_back(c->probability_same(p.distance)), same.push_back(p.same);
    out.push_back({c->name(), expected_calibration_error(conf, same, 10)});
  }
  return out;
}

double pct(double x) { return 100.0 * x; }

void print_text(std::ostream& out, const cli::ScoredPairsFile& in, const Evaluation& e, const std::string& calibration,
                const std::vector<CurveScore>& curves) {
  const auto& s = in.scored;
  out << fmt::format("pairs           {} ({}): {} same, {} different\n", e.pairs, to_string(in.file.format), e.same,
                     e.different);
  out << fmt::format(
      "images          {} distinct; {} without a usable face; {} with several faces (the large, central one used)\n",
      s.images, s.failed_images.size(), s.multi_face_images);
  out << fmt::format(
      "failed pairs    {} (counted as errors: a same pair as a false reject, a different pair as a wrong answer)\n",
      e.failed_pairs);
  out << fmt::format("at tolerance    {:.3f}: accuracy {:.2f}%  FAR {:.2f}%  FRR {:.2f}%\n", e.tolerance,
                     pct(e.accuracy), pct(e.far), pct(e.frr));
  out << fmt::format("best threshold  {:.3f} (accuracy {:.2f}%)\n", e.best_threshold, pct(e.best_accuracy));
  out << fmt::format("ROC AUC         {:.4f}\n", e.auc);
  out << fmt::format(
      "TAR @ FAR {:g}% {:.2f}% (threshold {:.3f}; {} different pairs, so FAR moves in steps of {:.3f}%)\n",
      pct(e.far_target), pct(e.tar_at_far), e.tar_threshold, e.different,
      e.different ? 100.0 / static_cast<double>(e.different) : 0.0);
  if (e.fold_accuracy.size() > 1)
    out << fmt::format("folds           accuracy {:.2f}% +- {:.2f}% (mean +- sd over {} folds, tolerance {:.3f})\n",
                       pct(e.fold_mean), pct(e.fold_std), e.fold_accuracy.size(), e.tolerance);
  out << fmt::format(
      "calibration     {}: ECE {:.4f}, {:.4f} with each label weighing half (10 equal-width bins, failed pairs left "
      "out)\n",
      calibration, e.ece, e.balanced_ece);
  out << "  confidence    pairs  mean confidence  observed same\n";
  for (const auto& b : e.reliability)
    out << fmt::format("  {:>3.0f}-{:>3.0f}%  {:>8}  {:>15}  {:>13}\n", pct(b.low), pct(b.high), b.count,
                       b.count ? fmt::format("{:.1f}%", pct(b.mean_confidence)) : "-",
                       b.count ? fmt::format("{:.1f}%", pct(b.observed)) : "-");
  out << "other curves   ";
  for (const auto& c : curves) out << fmt::format(" {} ECE {:.4f};", c.name, c.ece);
  out << '\n';
  for (const auto& f : s.failed_images) out << fmt::format("failed image    {}: {}\n", f.path, f.reason);
}

void print_json(std::ostream& out, const cli::ScoredPairsFile& in, const Evaluation& e, const std::string& calibration,
                const std::vector<CurveScore>& curves) {
  auto finite_or_null = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  nlohmann::ordered_json j;
  j["pairs"] = e.pairs;
  j["format"] = to_string(in.file.format);
  j["same"] = e.same;
  j["different"] = e.different;
  j["images"] = in.scored.images;
  j["multi_face_images"] = in.scored.multi_face_images;
  j["failed_pairs"] = e.failed_pairs;
  j["tolerance"] = e.tolerance;
  j["accuracy"] = e.accuracy;
  j["far"] = e.far;
  j["frr"] = e.frr;
  j["threshold"] = e.best_threshold;
  j["best_accuracy"] = e.best_accuracy;
  j["auc"] = finite_or_null(e.auc);
  j["far_target"] = e.far_target;
  j["tar_at_far"] = e.tar_at_far;
  j["tar_threshold"] = e.tar_threshold;
  j["calibration"] = calibration;
  j["ece"] = e.ece;
  j["balanced_ece"] = e.balanced_ece;
  auto& bins = j["reliability"] = nlohmann::ordered_json::array();
  for (const auto& b : e.reliability)
    bins.push_back({{"low", b.low},
                    {"high", b.high},
                    {"count", b.count},
                    {"mean_confidence", b.count ? nlohmann::json(b.mean_confidence) : nlohmann::json(nullptr)},
                    {"observed", b.count ? nlohmann::json(b.observed) : nlohmann::json(nullptr)}});
  auto& other = j["curves"] = nlohmann::ordered_json::object();
  for (const auto& c : curves) other[c.name] = c.ece;
  j["folds"] = {
      {"count", e.fold_accuracy.size()}, {"accuracy", e.fold_accuracy}, {"mean", e.fold_mean}, {"sd", e.fold_std}};
  auto& failed = j["failed_images"] = nlohmann::ordered_json::array();
  for (const auto& f : in.scored.failed_images) failed.push_back({{"path", f.path}, {"reason", f.reason}});
  out << j.dump() << '\n';
}

void write_scores(const std::string& path, const cli::ScoredPairsFile& in, const Calibration& calibration) {
  std::ofstream file(path);
  if (!file) throw UsageError(path + ": cannot write the scores file");
  file << "image1,image2,same,distance,confidence,mirror_gaps\n";
  for (std::size_t i = 0; i < in.file.pairs.size(); ++i) {
    const auto& p = in.file.pairs[i];
    const auto& s = in.scored.pairs[i];
    file << fmt::format("{},{},{},", p.image1, p.image2, p.same ? 1 : 0);
    if (!s.failed)
      file << fmt::format("{:.6f},{:.6f},", s.distance, calibration.probability_same(s.distance, s.mirror_gaps));
    else
      file << ",,";
    if (s.mirror_gaps) file << fmt::format("{:.6f}", *s.mirror_gaps);
    file << '\n';
  }
  if (!file) throw UsageError(path + ": writing the scores file failed");
}

}  // namespace

int run_evaluate(const CommandContext& ctx, const EvaluateOptions& o) {
  const CalibrationSpec spec = cli::read_calibration_for(ctx, o.detection.mirror);  // fail before the long part
  const auto calibration = make_calibration(spec);
  const auto in = cli::score_pairs_file(ctx, o.pairs, o.images, o.cpus, o.detection);
  // What the pass would decide: the tolerance given, else the calibration's threshold.
  const Evaluation e =
      evaluate_pairs(in.scored.pairs, decision_threshold(o.tolerance, spec), *calibration, in.file.folds);
  const auto curves = other_curves(in.scored.pairs);
  if (!o.scores_file.empty()) write_scores(o.scores_file, in, *calibration);
  if (o.format == EvaluateFormat::Json)
    print_json(ctx.out, in, e, calibration->name(), curves);
  else
    print_text(ctx.out, in, e, calibration->name(), curves);
  return to_int(ExitCode::Ok);
}

}  // namespace biosense
