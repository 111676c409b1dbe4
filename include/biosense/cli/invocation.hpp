#pragma once
/// The parsed command line. parse_command_line() is pure: tests call it with
/// a vector of words and inspect the result; nothing runs, nothing is read.
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "biosense/calibration/calibration_file.hpp"
#include "biosense/compare/writer.hpp"
#include "biosense/engine/dlib_engine.hpp"
#include "biosense/pass/decide.hpp"
#include "biosense/report/model.hpp"
#include "biosense/report/render.hpp"
#include "biosense/storage/records.hpp"
#include "biosense/util/log.hpp"
#include "biosense/watch/options.hpp"

namespace biosense {

namespace config {
struct Settings;
}

struct GlobalOptions {
  LogFormat log_format = LogFormat::Text;
  int verbosity = 0;       ///< -v: debug logging
  std::string models_dir;  ///< empty: the standard search path (models.hpp)
  /// --db as given; empty when absent. Commands resolve the effective URL
  /// (flag > $BIOSENSE_DB_URL > sqlite:./biosense.db) with
  /// resolve_db_url_from_environment() (storage/db_url.hpp), so parsing stays pure.
  std::string db_url;
  /// --calibration: a calibration file (calibration_file.hpp); empty: the
  /// shipped default compiled into the binary.
  std::string calibration_file;
  /// --amqp as given; empty when absent (flag > $BIOSENSE_AMQP_URL > the
  /// local default, resolved by queue::resolve_amqp_url()).
  std::string amqp_url;
  std::string config_file;  ///< --config as given (read before parsing: config/settings.hpp)
};

struct CompareOptions {
  std::string known;
  std::string unknown;
  double tolerance = 0.6;
  int cpus = 1;  ///< -1: every core
  bool show_distance = false;
  CompareFormat format = CompareFormat::Text;
  int upsample = 1;
  /// Off: face_recognition's exact encodings and answers (compare is its
  /// drop-in); --mirror uses the pass's mirrored encodings.
  bool mirror = false;
  /// --detector: HOG is face_recognition's; yunet is several times faster on webcam frames.
  Detector detector = Detector::Hog;
};

struct ModelsCheckOptions {};

/// How faces are found (engine/dlib_engine.hpp's EngineOptions). These
/// defaults are `evaluate`'s and `calibrate`'s: HOG at one upsampling, and one
/// look by the CNN detector at a photo where HOG finds no face (docs/accuracy.md,
/// "Detection on hard photos", also for the alternatives measured).
struct DetectionOptions {
  Detector detector = Detector::Hog;
  int upsample = 1;
  Detector retry_detector = Detector::Cnn;
  int retry_upsample = 0;  ///< -1: no second try when no face is found
  int jitters = 1;
  /// Average each face's encoding with its mirror image's: +0.6 points of LFW
  /// accuracy for 9% more pass time (docs/accuracy.md); --no-mirror gives
  /// face_recognition's exact numbers. The shipped calibration follows it.
  bool mirror = true;
  /// Detectors see the photo shrunk to this longest side (EngineOptions::
  /// detect_max_dimension); 0: full size.
  long max_side = 0;
  /// "hog 0, retry cnn 0" / "yunet, retry hog 0, at 320 px": for calibration files and logs.
  std::string describe() const {
    auto look = [](Detector d, int up) {  // YuNet has no upsampling
      const Detector runs = runnable_detector(d);
      return detector_name(runs) + (runs == Detector::Yunet ? std::string() : " " + std::to_string(up));
    };
    return look(detector, upsample) +
           (retry_upsample < 0 ? ", no retry" : ", retry " + look(retry_detector, retry_upsample)) +
           (max_side > 0 ? ", at " + std::to_string(max_side) + " px" : "");
  }
  /// The engine options; a detector this CPU cannot run becomes HOG
  /// (runnable_detector(); cli::load_models_for() says so at start-up).
  void apply_to(EngineOptions& o) const {
    o.detector = runnable_detector(detector);
    o.upsample = upsample;
    o.retry_detector = runnable_detector(retry_detector);
    o.retry_upsample = retry_upsample;
    o.jitters = jitters;
    o.mirror = mirror;
    o.detect_max_dimension = max_side;
  }
};

enum class EvaluateFormat { Text, Json };

/// `evaluate`: verification and calibration metrics on labelled pairs.
struct EvaluateOptions {
  std::string pairs;   ///< LFW View 1/View 2 pairs file or image1,image2,same CSV
  std::string images;  ///< the folder the pairs' paths are relative to
  EvaluateFormat format = EvaluateFormat::Text;
  /// --tolerance; absent: the calibration's threshold (decision_threshold()).
  std::optional<double> tolerance;
  int cpus = 1;  ///< -1: every core
  DetectionOptions detection;
  std::string scores_file;  ///< --scores: one CSV line per pair, for plots and error analysis
};

/// `calibrate`: fits distance -> P(same) and writes a calibration file.
struct CalibrateOptions {
  std::string pairs;
  std::string images;
  std::string output;
  std::string method = "logistic";  ///< logistic or isotonic (both are always reported)
  int cpus = 1;
  DetectionOptions detection;
  /// --target-fmr: also write the operating point (operating_point.hpp) for
  /// this false-match rate; absent: no threshold (with --from-db: 1e-3).
  std::optional<double> target_fmr;
  /// --from-db: fit on the database's own agents and decided snapshots
  /// (calibration/site_pairs.hpp) instead of --pairs/--images.
  bool from_db = false;
  std::size_t max_snapshots = 5000;  ///< --max-snapshots: newest decided snapshots read with --from-db
};

struct DbMigrateOptions {};
struct DbStatusOptions {};

/// `import`: each file becomes a new N row of stream_img or train_img.
struct ImportOptions {
  std::string lan_id;  ///< stored verbatim
  ImageKind kind = ImageKind::Stream;
  std::vector<std::string> files;
  std::string capture_time;  ///< "YYYY-MM-DD HH:MM:SS"; empty: the database clock
};

/// What every decider (`run`, `reprocess`, `consume`) shares: staging,
/// the decision rule, claims and how faces are found.
struct DecisionOptions {
  std::string data_dir = "Data";
  bool keep_files = false;
  /// --tolerance / pass.tolerance: overrides the calibration's threshold;
  /// absent: the calibration file's operating point decides (docs/pass.md).
  std::optional<double> tolerance;
  long lease_seconds = 600;
  /// YuNet on each photo shrunk to 320 px (webcam frames: a third of HOG's
  /// CPU, as many faces and second faces found: docs/performance.md, "A
  /// detector for webcam frames"), mirrored encodings, and a second look by
  /// HOG at upsample 0 where it finds no face. Where the CPU lacks AVX2 the
  /// first look is HOG at upsample 1 (face_recognition's). `--retry-upsample
  /// -1` never looks twice.
  DetectionOptions detection{Detector::Yunet, 1, Detector::Hog, 0, 1, true, 320};
  /// Enrolment photos where the detection finds no face get one look by the
  /// CNN detector (EngineOptions::cnn_for_enrolment). Off by default: the
  /// benchmarks it approves are weak (docs/pass.md, "Enrolment photos").
  bool enrolment_cnn = false;
  /// Compare each snapshot with every enrolled agent's benchmark too, and
  /// refuse a match when another agent is closer (docs/pass.md, "The
  /// gallery check"). On by default.
  bool gallery_check = true;
  void apply_to(EngineOptions& o) const {
    detection.apply_to(o);
    o.cnn_for_enrolment = enrolment_cnn;
  }
  /// The decision rule of a decider whose engines apply_to() configured: the
  /// threshold (decision_threshold(): the tolerance if set, else the
  /// calibration's), the engines' encoding version, whether they measure
  /// mirror gaps, and whether the gallery check runs.
  DecisionPolicy policy(const CalibrationSpec& calibration) const {
    DecisionPolicy p = policy();
    p.tolerance = decision_threshold(tolerance, calibration);
    return p;
  }
  /// The same without a calibration: the tolerance, else kDefaultTolerance.
  DecisionPolicy policy() const {
    EngineOptions engine;
    apply_to(engine);
    DecisionPolicy p;
    p.tolerance = tolerance.value_or(kDefaultTolerance);
    p.encoding_version = encoding_version(engine);
    p.mirror_gaps = engine.mirror;
    p.gallery_check = gallery_check;
    return p;
  }
};

enum class RunMode { Stream, Train, All };

/// `run`: the pass (DESIGN.md). Defaults are the documented ones.
struct RunOptions {
  RunMode mode = RunMode::All;
  bool loop = false;            ///< --loop: pass after pass until SIGTERM/SIGINT
  double interval = 10.0;       ///< seconds between the starts of passes in a loop
  std::size_t batch_size = 64;  ///< rows claimed and committed together
  std::size_t limit = 0;        ///< 0: every row pending when the pass starts
  int threads = 1;              ///< engine threads; -1 uses every core
  bool dry_run = false;
  DecisionOptions decider;
};

/// `reprocess`: decided stream rows back to N, then a pass over them.
struct ReprocessOptions {
  ReprocessFilter filter;
  RunOptions run;
};

/// `consume`: queue consumers, one image id per message (docs/queues.md).
struct ConsumeOptions {
  std::vector<std::string> queues{"facestreaming", "facetraining"};  ///< logical names
  std::string queue_prefix;   ///< prepended to every queue name (tests, several deployments on one broker)
  int consumers = 1;          ///< consumer threads, each with its own connections and engine
  int prefetch = 1;           ///< unacked messages per consumer
  int max_attempts = 5;       ///< failed attempts before the dead-letter queue
  double exit_when_idle = 0;  ///< > 0: a consumer stops after this many seconds without a message
  DecisionOptions decider;
};

/// `publish`: one persistent message per image id, with publisher confirms.
struct PublishOptions {
  ImageKind kind = ImageKind::Stream;  ///< stream -> facestreaming, train -> facetraining
  bool pending = false;                ///< every N row now
  std::vector<std::int64_t> ids;
  std::string queue_prefix;
};

/// `watch`: impersonation and motion alerts over decided snapshots (issue 8).
struct WatchCommandOptions {
  WatchOptions watch;
  bool loop = false;        ///< --loop: a run every --interval seconds until SIGTERM/SIGINT
  double interval = 600.0;  ///< seconds between the starts of runs with --loop
  bool dry_run = false;     ///< print the alerts; write nothing
  std::string at;           ///< window end "YYYY-MM-DD HH:MM:SS"; empty: the database clock now
};

enum class AlertsFormat { Text, Json };

/// `alerts list`: the open alerts (storage/alerts.hpp).
struct AlertsListOptions {
  std::string lan_id;  ///< empty: every agent
  AlertsFormat format = AlertsFormat::Text;
};

/// `alerts ack`: acknowledges open alerts.
struct AlertsAckOptions {
  std::vector<std::int64_t> ids;
  std::string by;  ///< empty: $USER, else "unknown" (resolved by the command, so parsing stays pure)
};

/// `report`: dashboards over stream_img (issue 7, docs/dashboards.md).
struct ReportOptions {
  report::ReportRequest request;  ///< since/until normalized to "YYYY-MM-DD HH:MM:SS"
  report::ReportFormat format = report::ReportFormat::Table;
  std::string output;  ///< -o FILE, written atomically; empty: stdout
};

/// `config show`: the effective configuration, flags included.
struct ConfigShowOptions {
  std::shared_ptr<const config::Settings> settings;
};

enum class ConfigKeysFormat { Markdown, Toml };
/// `config keys`: the reference table (README) or the example file.
struct ConfigKeysOptions {
  ConfigKeysFormat format = ConfigKeysFormat::Markdown;
};

using CommandOptions = std::variant<CompareOptions, ModelsCheckOptions, DbMigrateOptions, DbStatusOptions,
                                    ImportOptions, RunOptions, ReprocessOptions, EvaluateOptions, CalibrateOptions,
                                    ConsumeOptions, PublishOptions, WatchCommandOptions, AlertsListOptions,
                                    AlertsAckOptions, ReportOptions, ConfigShowOptions, ConfigKeysOptions>;

struct Invocation {
  GlobalOptions global;
  CommandOptions command;
};

/// Either an invocation to run, or a message (help, version or a usage error)
/// to print with the exit code to return.
struct ParseOutcome {
  std::optional<Invocation> invocation;
  int exit_code = 0;
  std::string message;
};

/// `args` excludes the program name. Options start at their built-in defaults.
ParseOutcome parse_command_line(const std::vector<std::string>& args);
/// The same, with the options first set from `settings` (file and
/// environment, config/settings.hpp), so that flags override them.
ParseOutcome parse_command_line(const std::vector<std::string>& args, const config::Settings& settings);

}  // namespace biosense
