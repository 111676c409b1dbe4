#include "parse_evaluate.hpp"

#include <map>

namespace biosense::cli {

CLI::CheckedTransformer detector_choices(std::initializer_list<Detector> detectors) {
  std::map<std::string, Detector> names;
  for (Detector d : detectors) names.emplace(detector_name(d), d);
  return CLI::CheckedTransformer(names, CLI::ignore_case);
}

void add_detection_options(CLI::App* cmd, DetectionOptions& d) {
  const auto all = detector_choices({Detector::Hog, Detector::Yunet, Detector::Cnn});
  cmd->add_option("--detector", d.detector,
                  "hog; yunet (fast, for webcam frames; needs AVX2); or cnn (dlib's MMOD network: much slower)")
      ->transform(all);
  cmd->add_option("--upsample", d.upsample, "Upsampling passes before detection (finds smaller faces, slower)")
      ->check(CLI::Range(0, 3))
      ->capture_default_str();
  cmd->add_option("--retry-detector", d.retry_detector, "Detector for the second try (hog, yunet or cnn)")
      ->transform(all);
  cmd->add_option("--retry-upsample", d.retry_upsample,
                  "When no face is found, detect again with this many passes (-1: never)")
      ->check(CLI::Range(-1, 3))
      ->capture_default_str();
  cmd->add_option("--jitters", d.jitters, "Average each encoding over this many jittered copies (slower)")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cmd->add_option(
         "--max-side", d.max_side,
         "Detect on each photo shrunk to this longest side (0: full size); landmarks and encodings keep it all")
      ->check(CLI::Range(0L, 100000L))
      ->capture_default_str();
  cmd->add_flag("--mirror,!--no-mirror", d.mirror,
                "Average each encoding with its mirror image's (default); --no-mirror: face_recognition's numbers");
}

namespace {

/// --pairs and --images (required unless `optional`), --cpus and the
/// detection options; returns the --pairs option.
CLI::Option* add_pair_inputs(CLI::App* cmd, std::string& pairs, std::string& images, int& cpus, DetectionOptions& d,
                             bool optional = false) {
  auto* p = cmd->add_option("--pairs", pairs,
                            "LFW pairs file (View 1 'N' or View 2 'FOLDS N' header) or image1,image2,same CSV")
                ->required(!optional)
                ->check(CLI::ExistingFile);
  auto* i = cmd->add_option("--images", images, "Folder the pairs' images are in (LFW: DIR/<name>/<name>_<nnnn>.jpg)")
                ->required(!optional)
                ->check(CLI::ExistingDirectory);
  if (optional) p->needs(i), i->needs(p);
  cmd->add_option("--cpus", cpus, "Worker threads; -1 uses every core")->capture_default_str();
  add_detection_options(cmd, d);
  return p;
}

}  // namespace

CLI::App* add_evaluate(CLI::App& app, EvaluateOptions& o) {
  static const std::map<std::string, EvaluateFormat> kFormats{{"text", EvaluateFormat::Text},
                                                              {"json", EvaluateFormat::Json}};
  auto* cmd = app.add_subcommand("evaluate", "Accuracy, error rates and calibration on labelled image pairs");
  add_pair_inputs(cmd, o.pairs, o.images, o.cpus, o.detection);
  cmd->add_option("--format", o.format, "text or json")->transform(CLI::CheckedTransformer(kFormats, CLI::ignore_case));
  cmd->add_option_function<double>(
         "--tolerance", [&o](const double& v) { o.tolerance = v > 0.0 ? std::optional<double>(v) : std::nullopt; },
         "Largest distance that counts as a match (default, or 0: the calibration's threshold, as the pass decides)")
      ->check(CLI::Range(0.0, 2.0));
  cmd->add_option(
      "--scores", o.scores_file,
      "Also write image1,image2,same,distance,confidence,mirror_gaps per pair to this CSV (empty distance: failed)");
  return cmd;
}

CLI::App* add_calibrate(CLI::App& app, CalibrateOptions& o) {
  auto* cmd =
      app.add_subcommand("calibrate", "Fit distance -> P(same person) on labelled pairs; write a calibration file");
  auto* pairs = add_pair_inputs(cmd, o.pairs, o.images, o.cpus, o.detection, true);
  cmd->add_flag("--from-db", o.from_db,
                "Fit on the database's own agents: each decided snapshot against its agent's benchmark (same) and "
                "every other agent's (different); default --target-fmr 1e-3")
      ->excludes(pairs);
  cmd->add_option("--max-snapshots", o.max_snapshots, "With --from-db: the newest decided snapshots to encode")
      ->check(CLI::Range(1, 10000000))
      ->capture_default_str();
  cmd->callback([&o] {
    if (!o.from_db && o.pairs.empty()) throw CLI::RequiredError("--pairs and --images, or --from-db,");
  });
  cmd->add_option("-o,--output", o.output, "Calibration file to write (JSON)")->required();
  cmd->add_option("--method", o.method, "The curve to write; both are fit and reported")
      ->check(CLI::IsMember({"logistic", "isotonic"}))
      ->capture_default_str();
  cmd->add_option_function<double>(
         "--target-fmr", [&o](const double& v) { o.target_fmr = v; },
         "Also set the decision threshold for this false-match rate (e.g. 1e-3); the pass decides with it")
      ->check(CLI::Range(1e-9, 0.5));
  return cmd;
}

void finish_calibrate(const CLI::App& cmd, CalibrateOptions& o, const DetectionOptions& pass_detection) {
  if (!o.from_db) return;
  auto given = [&cmd](const char* flag) {
    const CLI::Option* option = cmd.get_option_no_throw(flag);
    return option != nullptr && option->count() > 0;
  };
  DetectionOptions& d = o.detection;
  if (!given("--detector")) d.detector = pass_detection.detector;
  if (!given("--upsample")) d.upsample = pass_detection.upsample;
  if (!given("--retry-detector")) d.retry_detector = pass_detection.retry_detector;
  if (!given("--retry-upsample")) d.retry_upsample = pass_detection.retry_upsample;
  if (!given("--jitters")) d.jitters = pass_detection.jitters;
  if (!given("--mirror")) d.mirror = pass_detection.mirror;  // counts --no-mirror too
  if (!given("--max-side")) d.max_side = pass_detection.max_side;
}

}  // namespace biosense::cli
