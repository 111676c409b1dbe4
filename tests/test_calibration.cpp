/// Calibration: fitting, metrics, pairs files, calibration files (fast, on
/// synthetic data), and `evaluate` / `calibrate` end to end on LFW (slow).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "biosense/calibration/calibration_file.hpp"
#include "biosense/calibration/fit.hpp"
#include "biosense/calibration/metrics.hpp"
#include "biosense/calibration/operating_point.hpp"
#include "biosense/calibration/pairs.hpp"
#include "biosense/calibration/site_pairs.hpp"
#include "biosense/cli/invocation.hpp"
#include "biosense/config/settings.hpp"
#include "biosense/engine/models.hpp"
#include "support/test_support.hpp"

using namespace biosense;
using biosense::test::data_file;
using biosense::test::run_biosense;
using biosense::test::TempDir;

namespace {

double sigmoid_same(double d, double slope, double midpoint) { return 1.0 / (1.0 + std::exp(slope * (d - midpoint))); }

/// Distances uniform on [0.2, 1.0], labels drawn from a known logistic curve.
std::vector<LabelledDistance> synthetic(std::size_t n, double slope, double midpoint, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> dist(0.2, 1.0), u(0.0, 1.0);
  std::vector<LabelledDistance> data;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = dist(rng);
    data.push_back({d, u(rng) < sigmoid_same(d, slope, midpoint)});
  }
  return data;
}

/// As synthetic(), with each pair's mirror gaps uniform on [0.2, 0.6] (mean
/// 0.4) and labels drawn from the curve with a gap term of weight `weight`.
std::vector<LabelledDistance> synthetic_with_gaps(std::size_t n, double slope, double midpoint, double weight,
                                                  unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> dist(0.2, 1.0), gap(0.2, 0.6), u(0.0, 1.0);
  std::vector<LabelledDistance> data;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = dist(rng), g = gap(rng);
    const double p = 1.0 / (1.0 + std::exp(slope * (d - midpoint) - weight * (g - 0.4)));
    data.push_back({d, u(rng) < p, g});
  }
  return data;
}

PairsFile parse(const std::string& text) {
  std::istringstream in(text);
  return parse_pairs(in, "pairs.txt");
}

void write(const std::filesystem::path& file, const std::string& text) { std::ofstream(file) << text; }

}  // namespace

TEST_CASE("a logistic fit recovers the curve the labels were drawn from", "[calibration]") {
  const auto data = synthetic(20000, 15.0, 0.55, 7);
  const LogisticParams p = fit_logistic(data);
  CHECK(p.slope == Approx(15.0).epsilon(0.08));
  CHECK(p.midpoint == Approx(0.55).margin(0.01));
}

TEST_CASE("a logistic fit with mirror gaps recovers the gap weight, and unknown gaps read as typical ones",
          "[calibration]") {
  const auto data = synthetic_with_gaps(40000, 15.0, 0.55, 8.0, 5);
  const LogisticParams p = fit_logistic(data, true);
  CHECK(p.slope == Approx(15.0).epsilon(0.08));
  CHECK(p.midpoint == Approx(0.55).margin(0.01));
  CHECK(p.gap_weight == Approx(8.0).epsilon(0.15));
  CHECK(p.gap_mean == Approx(0.4).margin(0.005));  // the mean over the pairs fit on
  // Without the gaps as an input the same labels give a distance-only curve.
  const LogisticParams distance_only = fit_logistic(data);
  CHECK(distance_only.gap_weight == 0.0);
  CHECK(distance_only.slope < p.slope);  // the gaps it cannot see blur the curve

  const auto c = make_logistic_calibration(p, "t");
  CHECK(c->probability_same(0.6) == Approx(c->probability_same(0.6, p.gap_mean)));  // unknown = typical
  CHECK(c->probability_same(0.6, 0.55) > c->probability_same(0.6, 0.25));           // hard faces lie further apart
  CHECK(c->probability_same(0.4, 0.4) > c->probability_same(0.7, 0.4));
  // A distance-only curve ignores gaps.
  const auto plain = make_logistic_calibration(distance_only, "t");
  CHECK(plain->probability_same(0.6, 0.55) == plain->probability_same(0.6));

  auto missing = data;
  missing[17].mirror_gaps.reset();
  CHECK_THROWS_AS(fit_logistic(missing, true), std::invalid_argument);
}

TEST_CASE("a logistic fit refuses data with one label only or inverted labels", "[calibration]") {
  std::vector<LabelledDistance> same_only{{0.3, true}, {0.5, true}};
  CHECK_THROWS_AS(fit_logistic(same_only), std::invalid_argument);
  std::vector<LabelledDistance> inverted;
  for (int i = 0; i < 100; ++i) inverted.push_back({i / 100.0, i >= 50});
  CHECK_THROWS_AS(fit_logistic(inverted), std::invalid_argument);
}

TEST_CASE("an isotonic fit is non-increasing and exact on separable data", "[calibration]") {
  const auto curve = fit_isotonic(synthetic(5000, 15.0, 0.55, 11));
  for (std::size_t i = 1; i < curve.distances.size(); ++i) {
    CHECK(curve.distances[i] > curve.distances[i - 1]);
    CHECK(curve.probabilities[i] <= curve.probabilities[i - 1]);
  }
  const auto separable = fit_isotonic({{0.2, true}, {0.3, true}, {0.7, false}, {0.9, false}});
  const auto c = make_isotonic_calibration(separable, "t");
  CHECK(c->probability_same(0.1) == 1.0);
  CHECK(c->probability_same(0.25) == 1.0);
  // Equal levels pool: knots at the blocks' mean distances 0.25 and 0.8.
  CHECK(separable.distances == std::vector<double>{0.25, 0.8});
  CHECK(c->probability_same(0.525) == Approx(0.5));  // halfway between the knots
  CHECK(c->probability_same(1.5) == 0.0);
}

TEST_CASE("ECE is about zero for a calibrated set and large for an overconfident one", "[calibration]") {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> p;
  std::vector<bool> calibrated, overconfident;
  for (int i = 0; i < 200000; ++i) {
    const double q = u(rng);
    p.push_back(q);
    calibrated.push_back(u(rng) < q);
    overconfident.push_back(u(rng) < 0.5 + 0.5 * (q - 0.5));  // truth is half as extreme as claimed
  }
  std::vector<ReliabilityBin> table;
  CHECK(expected_calibration_error(p, calibrated, 10, &table) < 0.005);
  REQUIRE(table.size() == 10);
  CHECK(table[9].mean_confidence == Approx(0.95).margin(0.01));
  CHECK(table[9].observed == Approx(0.95).margin(0.01));
  CHECK(expected_calibration_error(p, overconfident, 10) == Approx(0.125).margin(0.01));
}

TEST_CASE("ROC AUC counts ties as half", "[calibration]") {
  CHECK(roc_auc({0.1, 0.2, 0.8, 0.9}, {true, true, false, false}) == 1.0);
  CHECK(roc_auc({0.9, 0.8, 0.2, 0.1}, {true, true, false, false}) == 0.0);
  CHECK(roc_auc({0.5, 0.5}, {true, false}) == 0.5);
  CHECK(roc_auc({0.1, 0.5, 0.3, 0.7}, {true, true, false, false}) == 0.75);
}

TEST_CASE("evaluate_pairs counts failed pairs as errors and reports the error rates", "[calibration]") {
  std::vector<ScoredPair> pairs{
      {0.30, true, false, 0},  {0.65, true, false, 0},   // one false reject
      {0.0, true, true, 0},                              // failed same pair: a false reject too
      {0.80, false, false, 0}, {0.55, false, false, 0},  // one false accept
      {0.0, false, true, 0},                             // failed different pair: an error
  };
  const auto calibration = make_provisional_calibration();
  const Evaluation e = evaluate_pairs(pairs, 0.6, *calibration);
  CHECK(e.pairs == 6);
  CHECK(e.failed_pairs == 2);
  CHECK(e.accuracy == Approx(2.0 / 6.0));
  CHECK(e.frr == Approx(2.0 / 3.0));
  CHECK(e.far == Approx(1.0 / 3.0));
  CHECK(e.best_accuracy >= e.accuracy);
  // Threshold 0.7 (between 0.65 and 0.80) accepts both scored same pairs and one different pair.
  CHECK(e.best_accuracy == Approx(3.0 / 6.0));
}

TEST_CASE("folds report mean and standard deviation of accuracy", "[calibration]") {
  std::vector<ScoredPair> pairs{{0.3, true, false, 0},
                                {0.9, false, false, 0},  // fold 0: 100%
                                {0.3, true, false, 1},
                                {0.5, false, false, 1}};  // fold 1: 50%
  const Evaluation e = evaluate_pairs(pairs, 0.6, *make_provisional_calibration(), 2);
  REQUIRE(e.fold_accuracy.size() == 2);
  CHECK(e.fold_accuracy[0] == 1.0);
  CHECK(e.fold_accuracy[1] == 0.5);
  CHECK(e.fold_mean == Approx(0.75));
  CHECK(e.fold_std == Approx(std::sqrt(0.125)));
}

TEST_CASE("LFW View 1 pairs files parse into same and different pairs", "[calibration][pairs]") {
  const auto f = parse("2\nAlice\t1\t2\nBob 3 14\nAlice 1 Carol 2\nBob 2 Dave 1\n");
  CHECK(f.format == PairsFormat::LfwView1);
  REQUIRE(f.pairs.size() == 4);
  CHECK(f.pairs[0].image1 == "Alice/Alice_0001.jpg");
  CHECK(f.pairs[0].image2 == "Alice/Alice_0002.jpg");
  CHECK(f.pairs[1].image2 == "Bob/Bob_0014.jpg");
  CHECK(f.pairs[0].same);
  CHECK_FALSE(f.pairs[2].same);
  CHECK(f.pairs[2].image2 == "Carol/Carol_0002.jpg");
  CHECK(f.pairs[3].line == 5);
}

TEST_CASE("LFW View 2 pairs files carry their folds", "[calibration][pairs]") {
  const auto f = parse("2 1\nA 1 2\nA 1 B 1\nC 1 2\nC 1 D 1\n");
  CHECK(f.format == PairsFormat::LfwView2);
  CHECK(f.folds == 2);
  REQUIRE(f.pairs.size() == 4);
  CHECK(f.pairs[1].fold == 0);
  CHECK(f.pairs[2].fold == 1);
}

TEST_CASE("CSV pairs files take a header and several spellings of same", "[calibration][pairs]") {
  const auto f = parse("image1,image2,same\na/1.jpg, b/2.jpg ,1\nc.jpg,d.jpg,no\n\ne.jpg,f.jpg,TRUE\n");
  CHECK(f.format == PairsFormat::Csv);
  REQUIRE(f.pairs.size() == 3);
  CHECK(f.pairs[0].image2 == "b/2.jpg");
  CHECK(f.pairs[0].same);
  CHECK_FALSE(f.pairs[1].same);
  CHECK(f.pairs[2].same);
  CHECK(f.pairs[2].line == 5);
}

TEST_CASE("malformed pairs files fail with the line number", "[calibration][pairs]") {
  auto message = [](const std::string& text) {
    try {
      parse(text);
    } catch (const PairsError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(message("2\nA 1 2\nA 1 x\n"), Catch::Contains("pairs.txt:3:"));
  CHECK_THAT(message("1\nA 1 2\nA 1 2\n"), Catch::Contains("pairs.txt:3:") && Catch::Contains("different-person"));
  CHECK_THAT(message("2\nA 1 2\n"), Catch::Contains("ends early"));
  CHECK_THAT(message("1\nA 1 2\nA 1 B 2\nextra 1 2\n"), Catch::Contains("pairs.txt:4:"));
  CHECK_THAT(message("a.jpg,b.jpg,1\na.jpg,b.jpg,maybe\n"),
             Catch::Contains("pairs.txt:2:") && Catch::Contains("maybe"));
  CHECK_THAT(message("a.jpg,b.jpg\n"), Catch::Contains("pairs.txt:1:"));
  CHECK_THAT(message("1 2 3\n"), Catch::Contains("not a pairs file"));
  CHECK_THAT(message("\n\n"), Catch::Contains("no pairs"));
  CHECK_THROWS_AS(read_pairs_file("/nonexistent/pairs.txt"), PairsError);
}

TEST_CASE("calibration files round-trip and are refused for another model", "[calibration]") {
  CalibrationSpec spec;
  spec.model_version = kModelVersion;
  spec.method = "logistic";
  spec.logistic = {14.5, 0.52};
  spec.fitted_on.source = "pairsDevTrain.txt";
  spec.fitted_on.pairs = 2200;
  spec.fitted_on.mirror = true;
  const auto back = parse_calibration(to_json(spec), "t.json");
  CHECK(back.fitted_on.mirror);
  CHECK(back.logistic.slope == 14.5);
  CHECK(back.logistic.midpoint == 0.52);
  CHECK(back.fitted_on.pairs == 2200);
  const auto c = make_calibration(back);
  CHECK(c->name() == "logistic:pairsDevTrain.txt");
  CHECK(c->probability_same(0.52) == Approx(0.5));

  CHECK(nlohmann::json::parse(to_json(spec)).at("format_version") == 1);  // no gap term: readable by older builds
  CHECK_FALSE(nlohmann::json::parse(to_json(spec)).at("logistic").contains("gap_weight"));

  spec.logistic = {14.5, 0.52, 6.0, 0.38};
  const auto json = nlohmann::json::parse(to_json(spec));
  CHECK(json.at("format_version") == 2);
  const auto gaps = parse_calibration(to_json(spec), "t.json");
  CHECK(gaps.logistic.gap_weight == 6.0);
  CHECK(gaps.logistic.gap_mean == 0.38);
  CHECK(make_calibration(gaps)->probability_same(0.52, 0.38) == Approx(0.5));
  CHECK(make_calibration(gaps)->probability_same(0.52, 0.48) == Approx(1.0 / (1.0 + std::exp(-0.6))));
  auto future = json;
  future["format_version"] = 4;
  CHECK_THROWS_WITH(parse_calibration(future.dump(), "t.json"), Catch::Contains("format_version 4"));

  spec.method = "isotonic";
  spec.isotonic = {{0.3, 0.6, 0.9}, {1.0, 0.4, 0.0}};
  CHECK(make_calibration(parse_calibration(to_json(spec), "t.json"))->probability_same(0.45) == Approx(0.7));

  spec.model_version = "some_other_model_v2";
  CHECK_THROWS_WITH(parse_calibration(to_json(spec), "t.json"),
                    Catch::Contains("some_other_model_v2") && Catch::Contains(kModelVersion));
  CHECK_THROWS_AS(parse_calibration("{not json", "t.json"), CalibrationError);
  CHECK_THROWS_WITH(parse_calibration(R"({"format":"biosense-calibration","format_version":1,"model_version":")" +
                                          std::string(kModelVersion) +
                                          R"(","method":"logistic","logistic":{"slope":-1,"midpoint":0.5}})",
                                      "t.json"),
                    Catch::Contains("slope"));
  CHECK_THROWS_AS(load_calibration("/nonexistent/calibration.json", true), CalibrationError);
}

TEST_CASE("an operating point is set for a false-match rate and refused on too few comparisons", "[calibration]") {
  // 3,000 different pairs at 0.001 .. 3.000 and 100 same pairs at 0.30 .. 0.6.
  std::vector<LabelledDistance> data;
  for (int i = 1; i <= 3000; ++i) data.push_back({i / 1000.0, false});
  for (int i = 0; i < 100; ++i) data.push_back({0.30 + i * 0.003, true});
  SECTION("the threshold accepts at most floor(FMR x N) different pairs") {
    const OperatingPoint op = fit_operating_point(data, 1e-3, "synthetic");
    // 3 of 3,000 may be accepted: 0.001, 0.002, 0.003; the fourth, 0.004, not.
    CHECK(op.threshold == Approx(0.0035));  // half-way: robust to the last digits of a re-encoding
    CHECK(op.fmr == Approx(3.0 / 3000.0));
    CHECK(op.fnmr == 1.0);  // every same pair lies beyond
    CHECK(op.impostors == 3000);
    CHECK(op.genuine == 100);
    CHECK(op.source == "synthetic");
    CHECK(op.threshold_low <= op.threshold);
    CHECK(op.threshold_high >= op.threshold);
    CHECK(op.fnmr_low <= op.fnmr);
    CHECK(op.fnmr_high == Approx(1.0));
    const OperatingPoint loose = fit_operating_point(data, 0.2, "synthetic");
    CHECK(loose.threshold == Approx(0.6005).margin(1e-9));  // 600 of 3,000 accepted
    CHECK(loose.fmr == Approx(0.2));
    CHECK(loose.fnmr == 0.0);
    CHECK(loose.fnmr_high > 0.0);  // Wilson: zero errors in 100 is not a zero rate
    // A tie across the cut: never more than floor(FMR x N) accepted.
    std::vector<double> tied;
    for (int i = 1; i <= 3000; ++i) tied.push_back(i <= 3 ? i / 1000.0 : 0.003 + (i - 4) / 1000.0);
    CHECK(tied[2] == tied[3]);  // the 3rd and 4th closest tie at 0.003
    const double t = threshold_at_fmr(tied, 1e-3);
    CHECK(std::count_if(tied.begin(), tied.end(), [&](double d) { return d <= t; }) == 2);
  }
  SECTION("fewer than 3 / FMR different pairs cannot resolve it") {
    CHECK(impostors_needed(1e-3) == 3000);
    CHECK(impostors_needed(1e-4) == 30000);
    CHECK_THROWS_AS(fit_operating_point(data, 1e-4, "synthetic"), InsufficientData);
    CHECK_THROWS_WITH(fit_operating_point(data, 1e-4, "synthetic"),
                      Catch::Contains("3000 different-person comparisons") && Catch::Contains("30000"));
    std::vector<LabelledDistance> impostors_only(data.begin(), data.begin() + 3000);
    CHECK_THROWS_AS(fit_operating_point(impostors_only, 1e-3, "synthetic"), InsufficientData);
    CHECK_THROWS_AS(fit_operating_point(data, 0.0, "synthetic"), std::invalid_argument);
    CHECK_THROWS_AS(fit_operating_point(data, 1.0, "synthetic"), std::invalid_argument);
  }
}

TEST_CASE("a site's own comparisons: other agents are different people, stand-ins are left out", "[calibration]") {
  auto face = [](const std::string& lan, std::size_t axis, float shift = 0.0f) {
    SiteFace f;
    f.lan_id = lan;
    f.encoding.fill(0.0f);
    f.encoding[axis] = 1.0f;
    f.encoding[100] = shift;  // a small move off the agent's own point
    f.mirror_gap = 0.3;
    return f;
  };
  const std::vector<SiteFace> benchmarks{face("NA\\a", 0), face("NA\\b", 1), face("NA\\c", 2)};
  const std::vector<SiteFace> snapshots{
      face("NA\\a", 0, 0.3f),  // a at her desk
      face("NA\\a", 1, 0.2f),  // b at a's desk: closer to b's benchmark
      face("NA\\a", 7, 0.0f),  // a stranger at a's desk: nobody's
      face("NA\\x", 2, 0.1f),  // an agent with no benchmark, looking like c
  };
  const SitePairs sp = site_pairs(benchmarks, snapshots);
  CHECK(sp.agents == 3);
  CHECK(sp.snapshots == 3);
  CHECK(sp.genuine_left_out == 1);
  CHECK(sp.without_benchmark == 1);
  std::vector<double> same, different;
  for (const auto& p : sp.pairs) {
    (p.same ? same : different).push_back(p.distance);
    CHECK(p.mirror_gaps == Approx(0.6));
  }
  // Same: a's own snapshot (0.3) and the stranger (sqrt 2: a higher FNMR estimate, never a lower threshold).
  REQUIRE(same.size() == 2);
  CHECK(same[0] == Approx(0.3));
  CHECK(same[1] == Approx(std::sqrt(2.0)));
  // Different: a's snapshot vs b and c (2); b's stand-in vs c only (its pairs with a and b have no label);
  // the stranger vs b and c (2); x vs a and b, not c (its nearest) (2).
  CHECK(different.size() == 7);
  for (double d : different) CHECK(d > 1.0);  // no same-person distance among them
  CHECK(site_pairs(benchmarks, {}).pairs.empty());
}

TEST_CASE("balanced labels: a fit answers for an even prior whatever the mix", "[calibration]") {
  // The same curve's labels, once with every different pair and once with a
  // tenth of them: balanced, both fits put the 50% point in the same place.
  const auto all = synthetic(20000, 20.0, 0.55, 11);
  std::vector<LabelledDistance> thinned;
  for (std::size_t i = 0; i < all.size(); ++i)
    if (all[i].same || i % 10 == 0) thinned.push_back(all[i]);
  auto balanced = [](std::vector<LabelledDistance> d) {
    balance_labels(d);
    return fit_logistic(d);
  };
  const LogisticParams plain_thinned = fit_logistic(thinned);
  const LogisticParams even_all = balanced(all), even_thinned = balanced(thinned);
  CHECK(even_thinned.midpoint == Approx(even_all.midpoint).margin(0.01));
  CHECK(plain_thinned.midpoint > even_all.midpoint + 0.03);  // unbalanced, the fewer different pairs shift it
  std::vector<LabelledDistance> weights = thinned;
  balance_labels(weights);
  double same_weight = 0, different_weight = 0;
  for (const auto& d : weights) (d.same ? same_weight : different_weight) += d.weight;
  CHECK(same_weight == Approx(different_weight));
  CHECK(same_weight + different_weight == Approx(static_cast<double>(weights.size())));
  // The balanced ECE weighs the labels evenly: a confidence of 0.5 for every
  // pair is perfectly calibrated for an even prior, whatever the mix.
  std::vector<double> half(weights.size(), 0.5);
  std::vector<bool> same;
  for (const auto& d : weights) same.push_back(d.same);
  CHECK(balanced_calibration_error(half, same, 10) == Approx(0.0).margin(1e-12));
  CHECK(expected_calibration_error(half, same, 10) > 0.1);
}

TEST_CASE("a calibration file carries its operating point as format 3; older formats still load", "[calibration]") {
  CalibrationSpec spec = parse_calibration(shipped_calibration_json(false), "shipped");
  CHECK_FALSE(spec.operating_point);
  CHECK(decision_threshold(std::nullopt, spec) == kDefaultTolerance);  // format 1: face_recognition's 0.6
  OperatingPoint op;
  op.threshold = 0.43;
  op.target_fmr = 1e-3;
  op.fmr = 0.0009;
  op.fnmr = 0.01;
  op.fnmr_low = 0.005;
  op.fnmr_high = 0.02;
  op.threshold_low = 0.42;
  op.threshold_high = 0.44;
  op.genuine = 1800;
  op.impostors = 33600;
  op.source = "pairs-train.csv";
  spec.operating_point = op;
  const auto json = nlohmann::json::parse(to_json(spec));
  CHECK(json.at("format_version") == 3);
  const auto back = parse_calibration(to_json(spec), "t.json");
  REQUIRE(back.operating_point);
  CHECK(back.operating_point->threshold == 0.43);
  CHECK(back.operating_point->target_fmr == 1e-3);
  CHECK(back.operating_point->threshold_low == 0.42);
  CHECK(back.operating_point->fnmr_high == 0.02);
  CHECK(back.operating_point->impostors == 33600);
  CHECK(back.operating_point->source == "pairs-train.csv");
  CHECK(decision_threshold(std::nullopt, back) == 0.43);  // the file's threshold ...
  CHECK(decision_threshold(0.5, back) == 0.5);            // ... unless a tolerance is set
  auto bad = json;
  bad["operating_point"]["threshold"] = 3.0;
  CHECK_THROWS_WITH(parse_calibration(bad.dump(), "t.json"), Catch::Contains("threshold"));
  bad = json;
  bad["operating_point"]["target_fmr"] = 0;
  CHECK_THROWS_WITH(parse_calibration(bad.dump(), "t.json"), Catch::Contains("target_fmr"));
  bad = json;
  bad["operating_point"]["threshold_interval"] = {0.4};
  CHECK_THROWS_WITH(parse_calibration(bad.dump(), "t.json"), Catch::Contains("threshold_interval"));
  // Format 2 (a gap term, no operating point) still loads.
  const auto format2 = parse_calibration(R"({"format":"biosense-calibration","format_version":2,"model_version":")" +
                                             std::string(kModelVersion) +
                                             R"(","method":"logistic","logistic":{"slope":43.2,"midpoint":0.598,)"
                                             R"("gap_weight":14.9,"gap_mean":0.379}})",
                                         "old.json");
  CHECK_FALSE(format2.operating_point);
  CHECK(format2.logistic.gap_weight == 14.9);
}

TEST_CASE("the shipped calibrations load, fall with distance and say what they were fit on", "[calibration]") {
  for (const bool mirror : {true, false}) {
    INFO("mirror " << mirror);
    const auto spec = parse_calibration(shipped_calibration_json(mirror), "shipped");
    CHECK(spec.model_version == kModelVersion);
    CHECK(spec.fitted_on.mirror == mirror);
    // The pass's (mirrored) curve and threshold are fit on webcam snapshots;
    // compare's stays face_recognition's LFW one, with no threshold of its own.
    CHECK_THAT(spec.fitted_on.source, Catch::Contains(mirror ? "webcam-dev train" : "pairsDevTrain.txt"));
    CHECK(spec.operating_point.has_value() == mirror);
    const auto c = load_calibration("", mirror);
    CHECK(c->probability_same(0.3) > c->probability_same(0.6));
    CHECK(c->probability_same(0.6) > c->probability_same(0.9));
  }
  // Mirrored encodings run closer together, so their curve is centred lower.
  const auto with = parse_calibration(shipped_calibration_json(true), "shipped");
  const auto without = parse_calibration(shipped_calibration_json(false), "shipped");
  CHECK(with.logistic.midpoint < without.logistic.midpoint);
  // Mirrored encodings measure each face's mirror gap; the curve fit on them
  // reads it. face_recognition's encodings have none.
  CHECK(with.logistic.gap_weight > 0.0);
  CHECK(with.logistic.gap_mean > 0.0);
  CHECK(without.logistic.gap_weight == 0.0);
  // The pass's threshold is set for a false-match rate on webcam pairs, well
  // inside face_recognition's 0.6 (which accepts 0.2% of webcam-dev's
  // different-person pairs), with the pairs it was set on.
  REQUIRE(with.operating_point);
  CHECK(with.operating_point->threshold < kDefaultTolerance);
  CHECK(with.operating_point->target_fmr <= 1e-3);
  CHECK(with.operating_point->impostors >= impostors_needed(with.operating_point->target_fmr));
  CHECK(with.operating_point->threshold_low <= with.operating_point->threshold);
  CHECK(with.operating_point->threshold <= with.operating_point->threshold_high);
}

TEST_CASE("a calibration file fit on the other encodings is named in a warning", "[calibration]") {
  biosense::test::TempDir dir;
  CalibrationSpec spec = parse_calibration(shipped_calibration_json(false), "shipped");
  const auto write = [&](const std::string& name) {
    std::ofstream(dir / name) << to_json(spec);
    return (dir / name).string();
  };
  const std::string plain = write("plain.json");
  spec.fitted_on.mirror = true;
  const std::string mirrored = write("mirrored.json");

  CHECK(calibration_mismatch(plain, false).empty());
  CHECK(calibration_mismatch(mirrored, true).empty());
  CHECK(calibration_mismatch("", true).empty());  // the shipped one follows the setting
  CHECK(calibration_mismatch("", false).empty());
  CHECK_THAT(calibration_mismatch(plain, true),
             Catch::Contains(plain) && Catch::Contains("--no-mirror") && Catch::Contains("biosense calibrate"));
  CHECK_THAT(calibration_mismatch(mirrored, false), Catch::Contains("run with --mirror"));
  // A file from before the mirror key counts as unmirrored.
  std::ofstream(dir / "old.json") << R"({"format":"biosense-calibration","format_version":1,"model_version":")"
                                  << kModelVersion
                                  << R"(","method":"logistic","logistic":{"slope":40,"midpoint":0.6}})";
  CHECK_FALSE(calibration_mismatch((dir / "old.json").string(), true).empty());
  CHECK_THROWS_AS(calibration_mismatch((dir / "missing.json").string(), true), CalibrationError);

  // The commands say it: compare makes unmirrored encodings unless --mirror.
  const auto misc = data_file("misc/face_recognition");
  const std::vector<std::string> compare{"compare", (misc / "obama.jpg").string(), (misc / "obama2.jpg").string()};
  auto with = [&](const std::string& file, std::vector<std::string> args) {
    args.insert(args.begin(), {"--calibration", file});
    return run_biosense(args);
  };
  const auto warned = with(mirrored, compare);
  REQUIRE(warned.exit_code == 0);
  CHECK_THAT(warned.err, Catch::Contains("was fit on mirrored encodings"));
  const auto quiet = with(plain, compare);
  REQUIRE(quiet.exit_code == 0);
  CHECK_THAT(quiet.err, !Catch::Contains("was fit on"));
}

TEST_CASE("the reference curves match the formulas they come from", "[calibration]") {
  const auto table = make_user_table_calibration();
  CHECK(table->probability_same(0.05) == 1.0);
  CHECK(table->probability_same(0.55) == Approx(0.70));
  CHECK(table->probability_same(0.95) == Approx(0.10));
  const auto wiki = make_wiki_formula_calibration();
  CHECK(wiki->probability_same(0.6) == Approx(0.5 + 0.5 * std::pow(0.0, 0.2)).margin(1e-9));
  CHECK(wiki->probability_same(0.8) == Approx(0.25));
  CHECK(wiki->probability_same(0.0) == Approx(1.0));
}

TEST_CASE("evaluate and calibrate parse their options", "[calibration][cli]") {
  const auto pairs = data_file("lfw-view1/pairsDevTest.txt").string();
  const auto images = data_file("lfw-view1/images").string();
  auto ok =
      parse_command_line({"evaluate", "--pairs", pairs, "--images", images, "--format", "json", "--tolerance", "0.5"});
  REQUIRE(ok.invocation);
  const auto& e = std::get<EvaluateOptions>(ok.invocation->command);
  CHECK(e.format == EvaluateFormat::Json);
  CHECK(e.tolerance == 0.5);
  CHECK(parse_command_line({"evaluate", "--pairs", pairs}).exit_code == 1);
  CHECK(parse_command_line({"evaluate", "--pairs", "/nonexistent", "--images", images}).exit_code == 1);
  CHECK(parse_command_line({"calibrate", "--pairs", pairs, "--images", images}).exit_code == 1);  // no -o
  CHECK(parse_command_line({"calibrate", "--pairs", pairs, "--images", images, "-o", "x", "--method", "spline"})
            .exit_code == 1);
  const auto with_cal = parse_command_line({"--calibration", "c.json", "calibrate", "--pairs", pairs, "--images",
                                            images, "-o", "x", "--method", "isotonic"});
  REQUIRE(with_cal.invocation);
  CHECK(with_cal.invocation->global.calibration_file == "c.json");
  CHECK(std::get<CalibrateOptions>(with_cal.invocation->command).method == "isotonic");
  CHECK_FALSE(std::get<CalibrateOptions>(with_cal.invocation->command).target_fmr);
  CHECK_FALSE(std::get<CalibrateOptions>(with_cal.invocation->command).from_db);

  // --target-fmr sets the threshold too; --from-db takes the place of --pairs/--images.
  const auto fmr =
      parse_command_line({"calibrate", "--pairs", pairs, "--images", images, "-o", "x", "--target-fmr", "1e-4"});
  REQUIRE(fmr.invocation);
  CHECK(std::get<CalibrateOptions>(fmr.invocation->command).target_fmr == 1e-4);
  CHECK(parse_command_line({"calibrate", "--pairs", pairs, "--images", images, "-o", "x", "--target-fmr", "2"})
            .exit_code == 1);
  const auto db =
      parse_command_line({"calibrate", "--from-db", "--target-fmr", "1e-2", "--max-snapshots", "300", "-o", "x"});
  REQUIRE(db.invocation);
  const auto& d = std::get<CalibrateOptions>(db.invocation->command);
  CHECK(d.from_db);
  CHECK(d.max_snapshots == 300);
  CHECK(d.target_fmr == 1e-2);
  // --from-db encodes as the pass does (detection.* keys), flags overriding; pairs keep evaluate's detection.
  const DetectionOptions pass_detection = DecisionOptions{}.detection;
  CHECK(d.detection.describe() == pass_detection.describe());
  CHECK(d.detection.mirror == pass_detection.mirror);
  CHECK(d.detection.max_side == pass_detection.max_side);
  const auto overridden = parse_command_line({"calibrate", "--from-db", "--no-mirror", "--max-side", "0", "-o", "x"});
  REQUIRE(overridden.invocation);
  const auto& o = std::get<CalibrateOptions>(overridden.invocation->command).detection;
  CHECK_FALSE(o.mirror);
  CHECK(o.max_side == 0);
  CHECK(o.detector == pass_detection.detector);
  const auto configured =
      parse_command_line({"calibrate", "--from-db", "-o", "x"},
                         config::load_settings(std::string("[detection]\ndetector = \"hog\"\n"), "site.toml", {}));
  REQUIRE(configured.invocation);
  CHECK(std::get<CalibrateOptions>(configured.invocation->command).detection.detector == Detector::Hog);
  CHECK(std::get<CalibrateOptions>(fmr.invocation->command).detection.describe() ==
        DetectionOptions{}.describe());                                // pairs: evaluate's (HOG 1, a CNN look at 0)
  CHECK(parse_command_line({"calibrate", "-o", "x"}).exit_code == 1);  // neither pairs nor --from-db
  CHECK(parse_command_line({"calibrate", "--from-db", "--pairs", pairs, "--images", images, "-o", "x"}).exit_code == 1);
  CHECK(parse_command_line({"calibrate", "--pairs", pairs, "-o", "x"}).exit_code == 1);  // --pairs needs --images
}

TEST_CASE("evaluate and calibrate on 80 LFW View 1 pairs", "[calibration][slow]") {
  // The first 40 same and 40 different pairs of pairsDevTest.txt.
  std::ifstream in(data_file("lfw-view1/pairsDevTest.txt"));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  REQUIRE(lines.size() >= 1001);
  TempDir dir;
  std::string subset = "40\n";
  for (std::size_t i = 1; i <= 40; ++i) subset += lines[i] + "\n";
  for (std::size_t i = 501; i <= 540; ++i) subset += lines[i] + "\n";
  write(dir / "pairs.txt", subset);
  const std::string images = data_file("lfw-view1/images").string();

  const auto eval = run_biosense({"evaluate", "--pairs", (dir / "pairs.txt").string(), "--images", images, "--format",
                                  "json", "--cpus", "2", "--scores", (dir / "scores.csv").string()});
  INFO(eval.err);
  REQUIRE(eval.exit_code == 0);
  const auto j = nlohmann::json::parse(eval.out);
  CHECK(j.at("pairs") == 80);
  CHECK(j.at("failed_pairs") == 0);
  // dlib's model is 99.38% accurate on LFW; on these 80 pairs at 0.6 it
  // rejects a few same-person pairs and accepts no different ones.
  CHECK(j.at("accuracy").get<double>() >= 0.9);
  CHECK(j.at("far").get<double>() <= 0.05);
  CHECK(j.at("auc").get<double>() >= 0.98);
  CHECK(j.at("ece").get<double>() < 0.15);
  for (const char* key : {"frr", "threshold", "failed_images", "reliability", "curves"}) CHECK(j.contains(key));
  // The scores file: one line per pair, with the pair's mirror gaps (mirrored
  // encodings are evaluate's default).
  std::ifstream scores(dir / "scores.csv");
  std::string header, row;
  std::getline(scores, header);
  CHECK(header == "image1,image2,same,distance,confidence,mirror_gaps");
  int rows = 0;
  while (std::getline(scores, row)) {
    ++rows;
    const double gaps = std::stod(row.substr(row.rfind(',') + 1));
    CHECK(gaps > 0.0);
    CHECK(gaps < 2.0);
  }
  CHECK(rows == 80);

  const auto cal = run_biosense({"calibrate", "--pairs", (dir / "pairs.txt").string(), "--images", images, "-o",
                                 (dir / "cal.json").string(), "--cpus", "2"});
  INFO(cal.err);
  REQUIRE(cal.exit_code == 0);
  CHECK_THAT(cal.out, Catch::Contains("logistic") && Catch::Contains("isotonic"));
  // Both logistic curves are fit and reported: the distance-only one and the
  // one reading the mirror gaps; the one written has the smaller CV log loss.
  CHECK_THAT(cal.out, Catch::Contains("mirror-gap weight") && Catch::Contains("not written"));
  std::ifstream cal_file(dir / "cal.json");
  const auto spec = nlohmann::json::parse(cal_file);
  CHECK(spec.at("model_version") == kModelVersion);
  CHECK(spec.at("fitted_on").at("pairs") == 80);
  CHECK(spec.at("fitted_on").at("mirror") == true);  // calibrate's default: the pass's encodings
  const double midpoint = spec.at("logistic").at("midpoint").get<double>();
  CHECK(midpoint > 0.4);
  CHECK(midpoint < 0.8);

  // The refit file is used when named, and one for another model is refused.
  const auto again = run_biosense({"--calibration", (dir / "cal.json").string(), "evaluate", "--pairs",
                                   (dir / "pairs.txt").string(), "--images", images, "--format", "json"});
  REQUIRE(again.exit_code == 0);
  CHECK(nlohmann::json::parse(again.out).at("calibration") == "logistic:pairs.txt");
  auto other = spec;
  other["model_version"] = "another_model";
  write(dir / "other.json", other.dump());
  const auto refused = run_biosense({"--calibration", (dir / "other.json").string(), "evaluate", "--pairs",
                                     (dir / "pairs.txt").string(), "--images", images});
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.err, Catch::Contains("another_model"));
}
