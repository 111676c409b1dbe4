#include "biosense/calibration/calibration_file.hpp"

#include <cmath>
#include <fstream>
#include <sstream>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "biosense/engine/models.hpp"
#include "shipped_calibration.hpp"

namespace biosense {
namespace {

constexpr const char* kFormat = "biosense-calibration";
/// Version 2 adds the logistic curve's mirror-gap term, version 3 the
/// operating point; a file is written with the lowest version that holds
/// what it has, so builds from before a field read the files without it.
constexpr int kFormatVersion = 3;

double finite(const nlohmann::json& j, const char* key, const std::string& source) {
  if (!j.contains(key) || !j.at(key).is_number())
    throw CalibrationError(fmt::format("{}: '{}' must be a number", source, key));
  const double v = j.at(key).get<double>();
  if (!std::isfinite(v)) throw CalibrationError(fmt::format("{}: '{}' must be finite", source, key));
  return v;
}

void check_isotonic(const IsotonicCurve& c, const std::string& source) {
  if (c.distances.empty() || c.distances.size() != c.probabilities.size())
    throw CalibrationError(source + ": isotonic 'distances' and 'probabilities' must be non-empty and equally long");
  for (std::size_t i = 0; i < c.distances.size(); ++i) {
    const double p = c.probabilities[i];
    if (!(p >= 0.0 && p <= 1.0)) throw CalibrationError(source + ": isotonic probabilities must lie in [0, 1]");
    if (i > 0 && !(c.distances[i] > c.distances[i - 1]))
      throw CalibrationError(source + ": isotonic distances must increase strictly");
    if (i > 0 && p > c.probabilities[i - 1])
      throw CalibrationError(source + ": isotonic probabilities must not increase with distance");
  }
}

/// [low, high] of `key`, or {value, value} when absent.
std::pair<double, double> interval(const nlohmann::json& j, const char* key, double value, const std::string& source) {
  if (!j.contains(key)) return {value, value};
  const auto v = j.at(key).get<std::vector<double>>();
  if (v.size() != 2) throw CalibrationError(fmt::format("{}: operating_point '{}' must hold two numbers", source, key));
  return {v[0], v[1]};
}

OperatingPoint parse_operating_point(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) throw CalibrationError(source + ": 'operating_point' must be an object");
  OperatingPoint op;
  op.threshold = finite(j, "threshold", source);
  if (!(op.threshold > 0.0 && op.threshold <= 2.0))
    throw CalibrationError(
        fmt::format("{}: operating_point 'threshold' must lie in (0, 2], not {}", source, op.threshold));
  op.target_fmr = finite(j, "target_fmr", source);
  if (!(op.target_fmr > 0.0 && op.target_fmr < 1.0))
    throw CalibrationError(source + ": operating_point 'target_fmr' must lie between 0 and 1");
  op.fmr = j.value("fmr", 0.0);
  op.fnmr = j.value("fnmr", 0.0);
  std::tie(op.fnmr_low, op.fnmr_high) = interval(j, "fnmr_interval", op.fnmr, source);
  std::tie(op.threshold_low, op.threshold_high) = interval(j, "threshold_interval", op.threshold, source);
  op.genuine = j.value("genuine", std::size_t{0});
  op.impostors = j.value("impostors", std::size_t{0});
  op.source = j.value("source", "");
  return op;
}

}  // namespace

const char* shipped_calibration_json(bool mirror) { return mirror ? kShippedCalibration : kShippedCalibrationNoMirror; }

std::string to_json(const CalibrationSpec& s) {
  nlohmann::ordered_json j;
  j["format"] = kFormat;
  const bool gaps = s.method == "logistic" && s.logistic.gap_weight != 0.0;
  j["format_version"] = s.operating_point ? 3 : gaps ? 2 : 1;
  j["model_version"] = s.model_version;
  j["method"] = s.method;
  if (s.method == "logistic") {
    j["logistic"] = {{"slope", s.logistic.slope}, {"midpoint", s.logistic.midpoint}};
    if (gaps) {
      j["logistic"]["gap_weight"] = s.logistic.gap_weight;
      j["logistic"]["gap_mean"] = s.logistic.gap_mean;
    }
  } else {
    j["isotonic"] = {{"distances", s.isotonic.distances}, {"probabilities", s.isotonic.probabilities}};
  }
  j["fitted_on"] = {{"source", s.fitted_on.source},
                    {"pairs", s.fitted_on.pairs},
                    {"same", s.fitted_on.same},
                    {"different", s.fitted_on.different},
                    {"failed_pairs", s.fitted_on.failed_pairs},
                    {"upsample", s.fitted_on.upsample},
                    {"detection", s.fitted_on.detection},
                    {"jitters", s.fitted_on.jitters},
                    {"mirror", s.fitted_on.mirror}};
  if (const auto& op = s.operating_point)
    j["operating_point"] = {{"threshold", op->threshold},
                            {"target_fmr", op->target_fmr},
                            {"fmr", op->fmr},
                            {"fnmr", op->fnmr},
                            {"fnmr_interval", {op->fnmr_low, op->fnmr_high}},
                            {"threshold_interval", {op->threshold_low, op->threshold_high}},
                            {"genuine", op->genuine},
                            {"impostors", op->impostors},
                            {"source", op->source}};
  j["ece"] = s.ece;
  j["created"] = s.created;
  return j.dump(2) + "\n";
}

CalibrationSpec parse_calibration(const std::string& text, const std::string& source) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw CalibrationError(fmt::format("{}: not valid JSON: {}", source, e.what()));
  }
  try {
    if (!j.is_object() || j.value("format", "") != kFormat)
      throw CalibrationError(
          fmt::format("{}: not a biosense calibration file (\"format\" is not \"{}\")", source, kFormat));
    const int version = j.value("format_version", 0);
    if (version < 1 || version > kFormatVersion)
      throw CalibrationError(fmt::format("{}: format_version {} is not supported (this build reads 1 to {})", source,
                                         version, kFormatVersion));
    CalibrationSpec s;
    s.model_version = j.value("model_version", "");
    if (s.model_version != kModelVersion)
      throw CalibrationError(fmt::format(
          "{}: this calibration was fit for model '{}', but the engine runs '{}'; refit it with `biosense calibrate`",
          source, s.model_version, kModelVersion));
    s.method = j.value("method", "");
    if (s.method == "logistic") {
      const auto& l = j.at("logistic");
      s.logistic = {finite(l, "slope", source), finite(l, "midpoint", source),
                    l.contains("gap_weight") ? finite(l, "gap_weight", source) : 0.0,
                    l.contains("gap_mean") ? finite(l, "gap_mean", source) : 0.0};
      if (s.logistic.slope <= 0) throw CalibrationError(source + ": logistic 'slope' must be positive");
    } else if (s.method == "isotonic") {
      const auto& c = j.at("isotonic");
      s.isotonic.distances = c.at("distances").get<std::vector<double>>();
      s.isotonic.probabilities = c.at("probabilities").get<std::vector<double>>();
      check_isotonic(s.isotonic, source);
    } else {
      throw CalibrationError(fmt::format("{}: unknown method '{}' (logistic or isotonic)", source, s.method));
    }
    if (j.contains("fitted_on")) {
      const auto& f = j.at("fitted_on");
      s.fitted_on = {f.value("source", ""),
                     f.value("pairs", std::size_t{0}),
                     f.value("same", std::size_t{0}),
                     f.value("different", std::size_t{0}),
                     f.value("failed_pairs", std::size_t{0}),
                     f.value("upsample", 1),
                     f.value("detection", ""),
                     f.value("jitters", 1),
                     f.value("mirror", false)};
    }
    if (j.contains("operating_point")) s.operating_point = parse_operating_point(j.at("operating_point"), source);
    s.ece = j.value("ece", 0.0);
    s.created = j.value("created", "");
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw CalibrationError(fmt::format("{}: {}", source, e.what()));
  }
}

std::unique_ptr<Calibration> make_calibration(const CalibrationSpec& spec) {
  std::string name = spec.method + ":" + spec.fitted_on.source;
  if (spec.method == "logistic") return make_logistic_calibration(spec.logistic, std::move(name));
  return make_isotonic_calibration(spec.isotonic, std::move(name));
}

CalibrationSpec read_calibration(const std::string& path, bool mirror) {
  if (path.empty()) return parse_calibration(shipped_calibration_json(mirror), "shipped calibration");
  std::ifstream in(path);
  if (!in) throw CalibrationError(path + ": cannot open the calibration file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_calibration(text.str(), path);
}

std::unique_ptr<Calibration> load_calibration(const std::string& path, bool mirror) {
  return make_calibration(read_calibration(path, mirror));
}

std::string calibration_mismatch(const std::string& path, bool mirror) {
  return path.empty() ? std::string{} : calibration_mismatch(read_calibration(path, mirror), path, mirror);
}

std::string calibration_mismatch(const CalibrationSpec& spec, const std::string& path, bool mirror) {
  if (path.empty() || spec.fitted_on.mirror == mirror) return {};
  return fmt::format(
      "{} was fit on {} encodings, but this run makes {} ones; its confidences will be off (mirrored distances run "
      "about 0.02 smaller): refit it with `biosense calibrate{}`, or run with {}",
      path, spec.fitted_on.mirror ? "mirrored" : "face_recognition's (unmirrored)", mirror ? "mirrored" : "unmirrored",
      mirror ? "" : " --no-mirror", mirror ? "--no-mirror" : "--mirror");
}

}  // namespace biosense
