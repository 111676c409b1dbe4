/// THE configuration table. Every key the file may hold, its type, default,
/// environment variable, flag, help text, validation and the option fields it
/// fills. The README's reference (`biosense config keys --format markdown`)
/// and biosense.example.toml are generated from it; tests check both agree.
///
/// A key whose `apply` is nullptr belongs to a command this build does not
/// have yet: it is validated and shown, and wired when the command lands.
#include <chrono>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "biosense/config/settings.hpp"
#include "biosense/storage/db_url.hpp"

namespace biosense::config {
namespace {

const std::string& str(const Value& v) { return std::get<std::string>(v); }
long long integer(const Value& v) { return std::get<long long>(v); }
double number(const Value& v) { return std::get<double>(v); }
bool boolean(const Value& v) { return std::get<bool>(v); }

/// The pass settings apply to `run` and to `reprocess`, which shares them.
template <class F>
void both_passes(Targets& t, F set) {
  set(t.run);
  set(t.reprocess.run);
}

/// Settings every decider shares: the passes and the queue consumers.
template <class F>
void deciders(Targets& t, F set) {
  set(t.run.decider);
  set(t.reprocess.run.decider);
  set(t.consume.decider);
}

Detector detector(const Value& v) { return parse_detector(str(v)).value_or(Detector::Hog); }

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t comma; (comma = text.find(',', start)) != std::string::npos; start = comma + 1)
    parts.push_back(text.substr(start, comma - start));
  parts.push_back(text.substr(start));
  return parts;
}

std::string join_commas(const std::vector<std::string>& parts) {
  std::string text;
  for (const auto& part : parts) text += (text.empty() ? "" : ",") + part;
  return text;
}

std::string check_db_url(std::string_view text) {
  try {
    parse_db_url(text);
    return {};
  } catch (const UsageError& e) {
    return e.what();  // shows the URL redacted
  }
}

std::string check_amqp_url(std::string_view text) {
  if (text.rfind("amqp://", 0) == 0 || text.rfind("amqps://", 0) == 0) return {};
  return fmt::format("expected amqp://USER:PASSWORD@HOST:PORT/VHOST, got '{}'", redact_db_url(text));
}

std::string check_queues(std::string_view text) {
  if (text.empty() || text.front() == ',' || text.back() == ',' || text.find(",,") != std::string_view::npos)
    return fmt::format("expected comma-separated queue names, got '{}'", text);
  return {};
}

KeySpec key(std::string_view name, ValueKind kind, std::string_view fallback, std::string_view env,
            std::string_view flag, std::string_view help) {
  KeySpec k{};
  k.key = name;
  k.kind = kind;
  k.fallback = fallback;
  k.env = env;
  k.flag = flag;
  k.help = help;
  return k;
}

KeySpec ranged(KeySpec k, double min, double max) {
  k.min = min;
  k.max = max;
  return k;
}

std::vector<KeySpec> build_table() {
  using K = ValueKind;
  std::vector<KeySpec> t;

  // [database]
  t.push_back(key("database.url", K::String, kDefaultDbUrl, kDbUrlEnvVar, "--db",
                  "sqlite:PATH or mysql://USER[:PASSWORD]@HOST[:PORT]/DB"));
  t.back().secret = true;
  t.back().check = check_db_url;
  t.back().apply = [](const Value& v, Targets& x) { x.global.db_url = str(v); };
  t.back().read = [](const Targets& x) -> Value {
    return x.global.db_url.empty() ? std::string(kDefaultDbUrl) : x.global.db_url;
  };

  // [amqp] (the `consume` and `publish` commands)
  t.push_back(key("amqp.url", K::String, "amqp://guest:guest@127.0.0.1:5672/%2f", "BIOSENSE_AMQP_URL", "--amqp",
                  "RabbitMQ: amqp://USER:PASSWORD@HOST:PORT/VHOST"));
  t.back().secret = true;
  t.back().check = check_amqp_url;
  t.back().apply = [](const Value& v, Targets& x) { x.global.amqp_url = str(v); };
  t.back().read = [](const Targets& x) -> Value {
    return x.global.amqp_url.empty() ? std::string("amqp://guest:guest@127.0.0.1:5672/%2f") : x.global.amqp_url;
  };
  t.push_back(key("amqp.queues", K::String, "facestreaming,facetraining", "BIOSENSE_AMQP_QUEUES", "consume --queues",
                  "Queues a consumer listens on, comma-separated"));
  t.back().check = check_queues;
  t.back().apply = [](const Value& v, Targets& x) { x.consume.queues = split_commas(str(v)); };
  t.back().read = [](const Targets& x) -> Value { return join_commas(x.consume.queues); };
  t.push_back(ranged(key("amqp.consumers", K::Integer, "1", "BIOSENSE_AMQP_CONSUMERS", "consume --consumers",
                         "Consumer threads in one process"),
                     1, 64));
  t.back().apply = [](const Value& v, Targets& x) { x.consume.consumers = static_cast<int>(integer(v)); };
  t.back().read = [](const Targets& x) -> Value { return static_cast<long long>(x.consume.consumers); };
  t.push_back(ranged(key("amqp.prefetch", K::Integer, "1", "BIOSENSE_AMQP_PREFETCH", "consume --prefetch",
                         "Unacknowledged messages a consumer may hold"),
                     1, 1000));
  t.back().apply = [](const Value& v, Targets& x) { x.consume.prefetch = static_cast<int>(integer(v)); };
  t.back().read = [](const Targets& x) -> Value { return static_cast<long long>(x.consume.prefetch); };

  // [log]
  t.push_back(key("log.format", K::Choice, "text", "BIOSENSE_LOG_FORMAT", "--log-format",
                  "text for a terminal, json for one JSON object per line"));
  t.back().choices = {"text", "json"};
  t.back().apply = [](const Value& v, Targets& x) {
    x.global.log_format = str(v) == "json" ? LogFormat::Json : LogFormat::Text;
  };
  t.back().read = [](const Targets& x) -> Value {
    return std::string(x.global.log_format == LogFormat::Json ? "json" : "text");
  };
  t.push_back(key("log.verbose", K::Boolean, "false", "BIOSENSE_VERBOSE", "-v", "Debug lines too"));
  t.back().apply = [](const Value& v, Targets& x) { x.global.verbosity = boolean(v) ? 1 : 0; };
  t.back().read = [](const Targets& x) -> Value { return x.global.verbosity > 0; };

  // [models]
  t.push_back(key("models.dir", K::String, "", "BIOSENSE_MODELS_DIR", "--models-dir",
                  "Folder with the dlib model files; empty: the standard search path"));
  t.back().apply = [](const Value& v, Targets& x) { x.global.models_dir = str(v); };
  t.back().read = [](const Targets& x) -> Value { return x.global.models_dir; };

  // [calibration]
  t.push_back(key("calibration.file", K::String, "", "BIOSENSE_CALIBRATION_FILE", "--calibration",
                  "Distance-to-confidence calibration written by `calibrate`; empty: the shipped one"));
  t.back().apply = [](const Value& v, Targets& x) { x.global.calibration_file = str(v); };
  t.back().read = [](const Targets& x) -> Value { return x.global.calibration_file; };

  // [detection]
  t.push_back(key("detection.detector", K::Choice, "yunet", "BIOSENSE_DETECTOR", "run/consume --detector",
                  "hog; yunet (a fast CNN for webcam frames; needs AVX2, else hog with a warning); "
                  "or cnn (dlib's MMOD network: more poses, several times slower)"));
  t.back().choices = {"hog", "yunet", "cnn"};
  t.back().apply = [](const Value& v, Targets& x) {
    deciders(x, [&](DecisionOptions& r) { r.detection.detector = detector(v); });
  };
  t.back().read = [](const Targets& x) -> Value { return detector_name(x.run.decider.detection.detector); };
  t.push_back(ranged(key("detection.upsample", K::Integer, "1", "BIOSENSE_DETECTION_UPSAMPLE", "run/consume --upsample",
                         "Upsampling passes before detection: finds smaller faces, slower"),
                     0, 3));
  t.back().apply = [](const Value& v, Targets& x) {
    deciders(x, [&](DecisionOptions& r) { r.detection.upsample = static_cast<int>(integer(v)); });
  };
  t.back().read = [](const Targets& x) -> Value { return static_cast<long long>(x.run.decider.detection.upsample); };
  t.push_back(key("detection.retry_detector", K::Choice, "hog", "BIOSENSE_RETRY_DETECTOR",
                  "run/consume --retry-detector", "Detector for the second try when the first finds no face"));
  t.back().choices = {"hog", "yunet", "cnn"};
  t.back().apply = [](const Value& v, Targets& x) {
    deciders(x, [&](DecisionOptions& r) { r.detection.retry_detector = detector(v); });
  };
  t.back().read = [](const Targets& x) -> Value { return detector_name(x.run.decider.detection.retry_detector); };
  t.push_back(ranged(key("detection.retry_upsample", K::Integer, "0", "BIOSENSE_RETRY_UPSAMPLE",
                         "run/consume --retry-upsample", "Upsampling of the second try; -1: no second try"),
                     -1, 3));
  t.back().apply = [](const Value& v, Targets& x) {
    deciders(x, [&](DecisionOptions& r) { r.detection.retry_upsample = static_cast<int>(integer(v)); });
  };
  t.back().read = [](const Targets& x) -> Value {
    return static_cast<long long>(x.run.decider.detection.retry_upsample);
  };
  t.push_back(ranged(key("detection.jitters", K::Integer, "1", "BIOSENSE_JITTERS", "run/consume --jitters",
                         "Average each encoding over this many jittered copies (slower)"),
                     1, 100));
  t.back().apply = [](const Value& v, Targets& x) {
    deciders(x, [&](DecisionOptions& r) { r.detection.jitters = static_cast<int>(integer(v)); });
  };
  t.back().read = [](const Targets& x) -> Value { return static_cast<long long>(x.run.decider.detection.jitters); };
  t.push_back(key("detection.mirror", K::Boolean, "true", "BIOSENSE_MIRROR", "run/consume --mirror/--no-mirror",
                  "Average each encoding with its mirror image's; false: face_recognition's numbers"));
  t.back().apply = [](const Value& v, Targets& x) {
    deciders(x, [&](DecisionOptions& r) { r.detection.mirror = boolean(v); });
  };
  t.back().read = [](const Targets& x) -> Value { return x.run.decider.detection.mirror; };
  t.push_back(
      ranged(key("detection.max_side", K::Integer, "320", "BIOSENSE_DETECTION_MAX_SIDE", "run/consume --max-side",
                 "Detectors see each photo shrunk to this longest side (landmarks and encodings keep "
                 "every pixel); 0: full size"),
             0, 100000));
  t.back().apply = [](const Value& v, Targets& x) {
    deciders(x, [&](DecisionOptions& r) { r.detection.max_side = static_cast<long>(integer(v)); });
  };
  t.back().read = [](const Targets& x) -> Value { return static_cast<long long>(x.run.decider.detection.max_side); };
  t.push_back(key("detection.enrolment_cnn", K::Boolean, "false", "BIOSENSE_ENROLMENT_CNN",
                  "run/consume --enrolment-cnn/--no-enrolment-cnn",
                  "An enrolment photo where no face is found gets one look by the CNN detector"));
  t.back().apply = [](const Value& v, Targets& x) {
    deciders(x, [&](DecisionOptions& r) { r.enrolment_cnn = boolean(v); });
  };
  t.back().read = [](const Targets& x) -> Value { return x.run.decider.enrolment_cnn; };

  // [compare] (face_recognition's own defaults, for identical answers)
  t.push_back(ranged(key("compare.upsample", K::Integer, "1", "BIOSENSE_COMPARE_UPSAMPLE", "compare --upsample",
                         "HOG upsampling passes of `compare` (face_recognition's default: 1)"),
                     0, 3));
  t.back().apply = [](const Value& v, Targets& x) { x.compare.upsample = static_cast<int>(integer(v)); };
  t.back().read = [](const Targets& x) -> Value { return static_cast<long long>(x.compare.upsample); };

  // [pass] (`run`, `reprocess`; tolerance and threads also `compare`)
  t.push_back(ranged(key("pass.tolerance", K::Number, "0", "BIOSENSE_TOLERANCE", "run/consume/compare --tolerance",
                         "Largest face distance that counts as a match; 0: the calibration's threshold (the pass) "
                         "and face_recognition's 0.6 (compare)"),
                     0.0, 2.0));
  t.back().apply = [](const Value& v, Targets& x) {
    if (number(v) <= 0.0) return;  // 0 keeps each command's own default
    deciders(x, [&](DecisionOptions& r) { r.tolerance = number(v); });
    x.compare.tolerance = number(v);
  };
  t.back().read = [](const Targets& x) -> Value { return x.run.decider.tolerance.value_or(0.0); };
  t.push_back(ranged(key("pass.threads", K::Integer, "1", "BIOSENSE_THREADS", "run --threads, compare --cpus",
                         "Engine threads; -1 uses every core"),
                     -1, 256));
  t.back().check = [](std::string_view text) {
    return text == "0" ? std::string("0 threads cannot work: use 1 or more, or -1 for every core") : std::string();
  };
  t.back().apply = [](const Value& v, Targets& x) {
    both_passes(x, [&](RunOptions& r) { r.threads = static_cast<int>(integer(v)); });
    x.compare.cpus = static_cast<int>(integer(v));
  };
  t.back().read = [](const Targets& x) -> Value { return static_cast<long long>(x.run.threads); };
  t.push_back(ranged(key("pass.batch_size", K::Integer, "64", "BIOSENSE_BATCH_SIZE", "run --batch-size",
                         "Rows claimed and committed together"),
                     1, 10000));
  t.back().apply = [](const Value& v, Targets& x) {
    both_passes(x, [&](RunOptions& r) { r.batch_size = static_cast<std::size_t>(integer(v)); });
  };
  t.back().read = [](const Targets& x) -> Value { return static_cast<long long>(x.run.batch_size); };
  t.push_back(ranged(key("pass.lease", K::Integer, "600", "BIOSENSE_LEASE", "run/consume --lease",
                         "Seconds after which another pass takes a claim back"),
                     10, 86400));
  t.back().apply = [](const Value& v, Targets& x) {
    deciders(x, [&](DecisionOptions& r) { r.lease_seconds = static_cast<long>(integer(v)); });
  };
  t.back().read = [](const Targets& x) -> Value { return static_cast<long long>(x.run.decider.lease_seconds); };
  t.push_back(ranged(key("pass.interval", K::Number, "10", "BIOSENSE_INTERVAL", "run --interval",
                         "Seconds between the starts of passes with --loop"),
                     0.0, 86400.0));
  t.back().apply = [](const Value& v, Targets& x) { x.run.interval = number(v); };
  t.back().read = [](const Targets& x) -> Value { return x.run.interval; };
  t.push_back(key("pass.data_dir", K::String, "Data", "BIOSENSE_DATA_DIR", "run/consume --data-dir",
                  "Where Data/<agent>/{BENCHMARK,STREAMING} files are staged"));
  t.back().check = [](std::string_view text) {
    return text.empty() ? std::string("the data folder cannot be empty") : std::string();
  };
  t.back().apply = [](const Value& v, Targets& x) { deciders(x, [&](DecisionOptions& r) { r.data_dir = str(v); }); };
  t.back().read = [](const Targets& x) -> Value { return x.run.decider.data_dir; };
  t.push_back(key("pass.keep_files", K::Boolean, "false", "BIOSENSE_KEEP_FILES", "run/consume --keep-files",
                  "Leave the staged files in place (debugging)"));
  t.back().apply = [](const Value& v, Targets& x) {
    deciders(x, [&](DecisionOptions& r) { r.keep_files = boolean(v); });
  };
  t.back().read = [](const Targets& x) -> Value { return x.run.decider.keep_files; };
  t.push_back(key("pass.gallery_check", K::Boolean, "true", "BIOSENSE_GALLERY_CHECK",
                  "run/consume --gallery-check/--no-gallery-check",
                  "Compare each snapshot with every enrolled agent too: another agent closer than the claimed one "
                  "makes it UNKNOWN_PERSON"));
  t.back().apply = [](const Value& v, Targets& x) {
    deciders(x, [&](DecisionOptions& r) { r.gallery_check = boolean(v); });
  };
  t.back().read = [](const Targets& x) -> Value { return x.run.decider.gallery_check; };

  // [watch] (`watch`: docs/liveness.md measured these defaults)
  t.push_back(ranged(key("watch.window", K::Integer, "600", "BIOSENSE_WATCH_WINDOW", "watch --window",
                         "Seconds of snapshots each watch run inspects"),
                     10, 86400));
  t.back().apply = [](const Value& v, Targets& x) { x.watch.watch.window = std::chrono::seconds(integer(v)); };
  t.back().read = [](const Targets& x) -> Value { return static_cast<long long>(x.watch.watch.window.count()); };
  t.push_back(ranged(key("watch.frames", K::Integer, "3", "BIOSENSE_WATCH_FRAMES", "watch --frames",
                         "Verified faces compared for IMPERSONATION; unchanged frames for FROZEN_FEED"),
                     2, 100));
  t.back().apply = [](const Value& v, Targets& x) { x.watch.watch.frames = static_cast<std::size_t>(integer(v)); };
  t.back().read = [](const Targets& x) -> Value { return static_cast<long long>(x.watch.watch.frames); };
  t.push_back(ranged(key("watch.interval", K::Number, "600", "BIOSENSE_WATCH_INTERVAL", "watch --interval",
                         "Seconds between the starts of watch runs with --loop"),
                     1.0, 86400.0));
  t.back().apply = [](const Value& v, Targets& x) { x.watch.interval = number(v); };
  t.back().read = [](const Targets& x) -> Value { return x.watch.interval; };
  t.push_back(ranged(key("watch.shape_threshold", K::Number, "0.03", "BIOSENSE_WATCH_SHAPE_THRESHOLD",
                         "watch --shape-threshold", "IMPERSONATION at or below this landmark residual"),
                     0.0, 1.0));
  t.back().apply = [](const Value& v, Targets& x) { x.watch.watch.thresholds.shape_residual = number(v); };
  t.back().read = [](const Targets& x) -> Value { return x.watch.watch.thresholds.shape_residual; };
  t.push_back(ranged(key("watch.frozen_threshold", K::Number, "0.01", "BIOSENSE_WATCH_FROZEN_THRESHOLD",
                         "watch --frozen-threshold", "FROZEN_FEED at or below this whole-frame change"),
                     0.0, 2.0));
  t.back().apply = [](const Value& v, Targets& x) { x.watch.watch.thresholds.frozen_change = number(v); };
  t.back().read = [](const Targets& x) -> Value { return x.watch.watch.thresholds.frozen_change; };
  t.push_back(ranged(key("watch.absent_share", K::Number, "0.5", "BIOSENSE_WATCH_ABSENT_SHARE", "watch --absent-share",
                         "ABSENT above this share of snapshots without a face"),
                     0.0, 1.0));
  t.back().apply = [](const Value& v, Targets& x) { x.watch.watch.thresholds.absent_share = number(v); };
  t.back().read = [](const Targets& x) -> Value { return x.watch.watch.thresholds.absent_share; };
  t.push_back(ranged(key("watch.substituted_share", K::Number, "0.5", "BIOSENSE_WATCH_SUBSTITUTED_SHARE",
                         "watch --substituted-share", "SUBSTITUTED above this share of unknown persons"),
                     0.0, 1.0));
  t.back().apply = [](const Value& v, Targets& x) { x.watch.watch.thresholds.substituted_share = number(v); };
  t.back().read = [](const Targets& x) -> Value { return x.watch.watch.thresholds.substituted_share; };
  return t;
}

}  // namespace

const std::vector<KeySpec>& key_table() {
  static const std::vector<KeySpec> kTable = build_table();
  return kTable;
}

const KeySpec* find_key(std::string_view name) {
  for (const auto& k : key_table())
    if (k.key == name) return &k;
  return nullptr;
}

}  // namespace biosense::config
