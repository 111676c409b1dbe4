/// The configuration: one key table, TOML file < environment < flags, errors
/// that name the key, masked secrets, and generated docs that cannot drift.
#include <catch2/catch.hpp>

#include "biosense/calibration/calibration_file.hpp"

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "biosense/cli/configure.hpp"
#include "biosense/config/settings.hpp"
#include "support/test_support.hpp"

using namespace biosense;
using biosense::test::TempDir;

namespace {

std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
  REQUIRE(out);
}

/// Parses `args` with a config file holding `toml` (none when empty) and `env`;
/// no default candidates, so the machine's own files never interfere.
ParseOutcome parse_with(const std::vector<std::string>& args, const std::string& toml, const config::Environment& env,
                        const TempDir& dir) {
  std::vector<std::string> words = args;
  if (!toml.empty()) {
    write(dir / "biosense.toml", toml);
    words.insert(words.begin(), {"--config", (dir / "biosense.toml").string()});
  }
  return parse_with_configuration(words, env, {});
}

const RunOptions& run_of(const ParseOutcome& p) {
  INFO(p.message);
  REQUIRE(p.invocation);
  REQUIRE(std::holds_alternative<RunOptions>(p.invocation->command));
  return std::get<RunOptions>(p.invocation->command);
}

/// The error message of a failed parse (exit 1).
std::string config_error(const ParseOutcome& p) {
  CHECK_FALSE(p.invocation);
  CHECK(p.exit_code == 1);
  return p.message;
}

}  // namespace

TEST_CASE("the key table's defaults are the option structs' defaults", "[config]") {
  GlobalOptions global;
  RunOptions run;
  ReprocessOptions reprocess;
  CompareOptions compare;
  ConsumeOptions consume;
  WatchCommandOptions watch;
  config::Targets targets{global, run, reprocess, compare, consume, watch};
  const config::Settings defaults = config::default_settings();
  REQUIRE(defaults.values.size() == config::key_table().size());
  std::size_t wired = 0;
  for (const auto& s : defaults.values) {
    INFO(s.spec->key);
    CHECK(s.spec->key.find('.') != std::string_view::npos);
    CHECK(s.spec->env.substr(0, 9) == "BIOSENSE_");
    CHECK_FALSE(s.spec->help.empty());
    CHECK((s.spec->apply == nullptr) == (s.spec->read == nullptr));
    if (s.spec->read) {
      ++wired;
      CHECK(config::format_value(*s.spec, s.spec->read(targets), false) ==
            config::format_value(*s.spec, s.value, false));
    }
  }
  CHECK(wired >= 10);
}

TEST_CASE("flags override the environment, which overrides the file", "[config]") {
  TempDir dir;
  const std::string toml =
      "[pass]\nbatch_size = 10\ntolerance = 0.5\nthreads = 2\ndata_dir = \"/srv/data\"\n"
      "[database]\nurl = \"sqlite:/srv/file.db\"\n[log]\nformat = \"json\"\n";
  SECTION("file only") {
    const auto p = parse_with({"run"}, toml, {}, dir);
    const auto& r = run_of(p);
    CHECK(r.batch_size == 10);
    CHECK(r.decider.tolerance == 0.5);
    CHECK(r.threads == 2);
    CHECK(r.decider.data_dir == "/srv/data");
    CHECK(p.invocation->global.db_url == "sqlite:/srv/file.db");
    CHECK(p.invocation->global.log_format == LogFormat::Json);
  }
  SECTION("environment over file") {
    const auto p = parse_with(
        {"run"}, toml,
        {{"BIOSENSE_BATCH_SIZE", "20"}, {"BIOSENSE_DB_URL", "sqlite:/srv/env.db"}, {"BIOSENSE_LOG_FORMAT", "TEXT"}},
        dir);
    const auto& r = run_of(p);
    CHECK(r.batch_size == 20);
    CHECK(r.decider.tolerance == 0.5);  // still the file's
    CHECK(p.invocation->global.db_url == "sqlite:/srv/env.db");
    CHECK(p.invocation->global.log_format == LogFormat::Text);
  }
  SECTION("flags over both") {
    const auto p = parse_with({"--db", "sqlite:/srv/flag.db", "run", "--batch-size", "30", "--tolerance", "0.4"}, toml,
                              {{"BIOSENSE_BATCH_SIZE", "20"}, {"BIOSENSE_DB_URL", "sqlite:/srv/env.db"}}, dir);
    const auto& r = run_of(p);
    CHECK(r.batch_size == 30);
    CHECK(r.decider.tolerance == 0.4);
    CHECK(r.threads == 2);
    CHECK(p.invocation->global.db_url == "sqlite:/srv/flag.db");
  }
  SECTION("reprocess and compare take the shared keys too") {
    const auto p = parse_with({"reprocess", "--ids", "1"}, toml, {}, dir);
    REQUIRE(p.invocation);
    const auto& o = std::get<ReprocessOptions>(p.invocation->command);
    CHECK(o.run.batch_size == 10);
    CHECK(o.run.mode == RunMode::Stream);  // reprocess's own default is kept
    const auto c = parse_with({"compare", "k", "u"}, toml, {{"BIOSENSE_COMPARE_UPSAMPLE", "2"}}, dir);
    REQUIRE(c.invocation);
    const auto& co = std::get<CompareOptions>(c.invocation->command);
    CHECK(co.tolerance == 0.5);
    CHECK(co.cpus == 2);
    CHECK(co.upsample == 2);
  }
  SECTION("an empty environment variable counts as unset") {
    const auto p = parse_with({"run"}, toml, {{"BIOSENSE_BATCH_SIZE", ""}}, dir);  // keep p: run_of refers into it
    CHECK(run_of(p).batch_size == 10);
  }
}

TEST_CASE("the consumers and the watch take their keys from the file and the environment", "[config]") {
  TempDir dir;
  const std::string toml =
      "[amqp]\nurl = \"amqp://u:secret@mq:5673/site\"\nqueues = \"facestreaming\"\nconsumers = 4\nprefetch = 8\n"
      "[pass]\ntolerance = 0.5\nlease = 120\ndata_dir = \"/srv/data\"\nkeep_files = true\n"
      "[watch]\nwindow = 900\nframes = 5\ninterval = 300\nshape_threshold = 0.02\nabsent_share = 0.7\n";
  SECTION("consume: the amqp keys and the decider's pass keys") {
    const auto p = parse_with({"consume"}, toml, {{"BIOSENSE_AMQP_PREFETCH", "16"}}, dir);
    INFO(p.message);
    REQUIRE(p.invocation);
    const auto& c = std::get<ConsumeOptions>(p.invocation->command);
    CHECK(p.invocation->global.amqp_url == "amqp://u:secret@mq:5673/site");
    CHECK(c.queues == std::vector<std::string>{"facestreaming"});
    CHECK(c.consumers == 4);
    CHECK(c.prefetch == 16);  // the environment over the file
    CHECK(c.decider.tolerance == 0.5);
    CHECK(c.decider.lease_seconds == 120);
    CHECK(c.decider.data_dir == "/srv/data");
    CHECK(c.decider.keep_files);
    const auto f = parse_with({"consume", "--consumers", "2", "--queues", "facetraining,facestreaming"}, toml, {}, dir);
    REQUIRE(f.invocation);
    const auto& cf = std::get<ConsumeOptions>(f.invocation->command);
    CHECK(cf.consumers == 2);
    CHECK(cf.queues == std::vector<std::string>{"facetraining", "facestreaming"});
  }
  SECTION("watch: window, frames, interval and thresholds; --window still wins") {
    const auto p = parse_with({"watch"}, toml, {{"BIOSENSE_WATCH_FRAMES", "4"}}, dir);
    INFO(p.message);
    REQUIRE(p.invocation);
    const auto& w = std::get<WatchCommandOptions>(p.invocation->command);
    CHECK(w.watch.window == std::chrono::seconds(900));
    CHECK(w.watch.frames == 4);
    CHECK(w.interval == 300.0);
    CHECK(w.watch.thresholds.shape_residual == 0.02);
    CHECK(w.watch.thresholds.absent_share == 0.7);
    CHECK(w.watch.thresholds.substituted_share == 0.5);  // not in the file: the default
    const auto f = parse_with({"watch", "--window", "2m", "--shape-threshold", "0.05"}, toml, {}, dir);
    REQUIRE(f.invocation);
    const auto& wf = std::get<WatchCommandOptions>(f.invocation->command);
    CHECK(wf.watch.window == std::chrono::seconds(120));
    CHECK(wf.watch.thresholds.shape_residual == 0.05);
    CHECK(wf.watch.frames == 5);
  }
  SECTION("detection: run, reprocess and consume; compare keeps its own upsampling") {
    const std::string detection =
        "[detection]\ndetector = \"cnn\"\nupsample = 2\nretry_upsample = 1\n"
        "retry_detector = \"cnn\"\njitters = 3\nmirror = false\n";
    for (const auto& args : std::vector<std::vector<std::string>>{{"run"}, {"reprocess", "--ids", "1"}, {"consume"}}) {
      const auto p = parse_with(args, detection, {{"BIOSENSE_JITTERS", "2"}}, dir);
      INFO(args[0] << ": " << p.message);
      REQUIRE(p.invocation);
      const DetectionOptions d = std::visit(
          [](const auto& o) -> DetectionOptions {
            using T = std::decay_t<decltype(o)>;
            if constexpr (std::is_same_v<T, RunOptions> || std::is_same_v<T, ConsumeOptions>)
              return o.decider.detection;
            if constexpr (std::is_same_v<T, ReprocessOptions>) return o.run.decider.detection;
            FAIL("not a decider");
            return {};
          },
          p.invocation->command);
      CHECK(d.detector == Detector::Cnn);
      CHECK(d.upsample == 2);
      CHECK(d.retry_detector == Detector::Cnn);
      CHECK(d.retry_upsample == 1);
      CHECK(d.jitters == 2);  // the environment over the file
      CHECK_FALSE(d.mirror);
    }
    const auto flagged = parse_with({"run", "--detector", "hog", "--retry-upsample", "-1"}, detection, {}, dir);
    CHECK(run_of(flagged).decider.detection.detector == Detector::Hog);
    CHECK(run_of(flagged).decider.detection.retry_upsample == -1);
    CHECK(run_of(parse_with({"run", "--mirror"}, detection, {}, dir)).decider.detection.mirror);
    CHECK(run_of(parse_with({"run"}, "", {}, dir)).decider.detection.mirror);  // the default
    CHECK_FALSE(run_of(parse_with({"run", "--no-mirror"}, "", {}, dir)).decider.detection.mirror);
    // The decision policy follows: mirrored encodings measure mirror gaps and say so in their version.
    const DecisionPolicy mirrored = run_of(parse_with({"run", "--tolerance", "0.55"}, "", {}, dir)).decider.policy();
    CHECK(mirrored.tolerance == 0.55);
    CHECK(mirrored.mirror_gaps);
    // The pass's detector is YuNet where the CPU runs it (else HOG), and the version says which.
    const std::string detector_tag = detector_runs_here(Detector::Yunet) ? "+yunet" : "";
    CHECK(mirrored.encoding_version == std::string(kModelVersion) + "+mirror" + detector_tag);
    // The threshold: a tolerance set by flag, environment or file, else the calibration's operating point.
    CalibrationSpec calibrated = parse_calibration(shipped_calibration_json(true), "shipped");
    REQUIRE(calibrated.operating_point);
    calibrated.operating_point->threshold = 0.43;
    CalibrationSpec uncalibrated = calibrated;
    uncalibrated.operating_point.reset();
    const DecisionOptions unset = run_of(parse_with({"run"}, "", {}, dir)).decider;
    CHECK_FALSE(unset.tolerance);
    CHECK(unset.policy(calibrated).tolerance == 0.43);
    CHECK(unset.policy(uncalibrated).tolerance == kDefaultTolerance);  // a format 1/2 file: face_recognition's
    CHECK(run_of(parse_with({"run"}, "[pass]\ntolerance = 0.5\n", {}, dir)).decider.policy(calibrated).tolerance ==
          0.5);
    CHECK(run_of(parse_with({"run"}, "[pass]\ntolerance = 0\n", {}, dir)).decider.policy(calibrated).tolerance ==
          0.43);  // 0: the calibration's
    CHECK(run_of(parse_with({"run"}, "[pass]\ntolerance = 0.5\n", {{"BIOSENSE_TOLERANCE", "0.45"}}, dir))
              .decider.policy(calibrated)
              .tolerance == 0.45);
    CHECK(run_of(parse_with({"run", "--tolerance", "0.41"}, "[pass]\ntolerance = 0.5\n", {}, dir))
              .decider.policy(calibrated)
              .tolerance == 0.41);
    CHECK(run_of(parse_with({"run", "--tolerance", "0"}, "", {}, dir)).decider.policy(calibrated).tolerance ==
          0.43);  // 0 on the command line means what it means in the file
    const auto consume = parse_with({"consume"}, "", {}, dir);
    REQUIRE(consume.invocation);
    CHECK(std::get<ConsumeOptions>(consume.invocation->command).decider.policy(calibrated).tolerance == 0.43);
    const auto compare_default = parse_with({"compare", "k", "u"}, "", {}, dir);
    REQUIRE(compare_default.invocation);
    CHECK(std::get<CompareOptions>(compare_default.invocation->command).tolerance == 0.6);  // face_recognition's
    const DecisionPolicy plain = run_of(parse_with({"run", "--no-mirror"}, "", {}, dir)).decider.policy();
    CHECK_FALSE(plain.mirror_gaps);
    CHECK(plain.encoding_version == kModelVersion + detector_tag);
    CHECK_FALSE(run_of(parse_with({"run"}, "", {}, dir)).decider.enrolment_cnn);  // the default
    const DetectionOptions defaults = run_of(parse_with({"run"}, "", {}, dir)).decider.detection;
    // YuNet on the photo shrunk to 320 px, then one look by HOG at upsample 0.
    CHECK(defaults.detector == Detector::Yunet);
    CHECK(defaults.max_side == 320);
    CHECK(defaults.describe() ==
          (detector_runs_here(Detector::Yunet) ? "yunet, retry hog 0, at 320 px" : "hog 1, retry hog 0, at 320 px"));
    CHECK(run_of(parse_with({"run"}, "[detection]\nmax_side = 0\n", {}, dir)).decider.detection.max_side == 0);
    CHECK(run_of(parse_with({"run", "--max-side", "480"}, "[detection]\nmax_side = 0\n", {}, dir))
              .decider.detection.max_side == 480);
    CHECK(run_of(parse_with({"run"}, "", {{"BIOSENSE_DETECTION_MAX_SIDE", "640"}}, dir)).decider.detection.max_side ==
          640);
    CHECK(run_of(parse_with({"run", "--detector", "yunet"}, detection, {}, dir)).decider.detection.detector ==
          Detector::Yunet);
    CHECK_FALSE(parse_with({"run"}, "[detection]\ndetector = \"mtcnn\"\n", {}, dir).invocation);
    CHECK(run_of(parse_with({"run"}, "[detection]\nenrolment_cnn = true\n", {}, dir)).decider.enrolment_cnn);
    CHECK(run_of(parse_with({"run", "--enrolment-cnn"}, "", {}, dir)).decider.enrolment_cnn);
    CHECK_FALSE(run_of(parse_with({"run", "--no-enrolment-cnn"}, "[detection]\nenrolment_cnn = true\n", {}, dir))
                    .decider.enrolment_cnn);
    const auto c = parse_with({"compare", "k", "u"}, detection, {}, dir);
    REQUIRE(c.invocation);
    CHECK(std::get<CompareOptions>(c.invocation->command).upsample == 1);  // compare.upsample, not detection
    CHECK_FALSE(std::get<CompareOptions>(c.invocation->command).mirror);   // face_recognition's numbers
    CHECK_THAT(config_error(parse_with({"run"}, "[detection]\ndetector = \"mmod\"\n", {}, dir)),
               Catch::Contains("detection.detector"));
  }
  SECTION("the gallery check: on by default; key, environment and flags on run, reprocess and consume") {
    const auto check_of = [](const ParseOutcome& p) {
      INFO(p.message);
      REQUIRE(p.invocation);
      return std::visit(
          [](const auto& o) -> bool {
            using T = std::decay_t<decltype(o)>;
            if constexpr (std::is_same_v<T, RunOptions> || std::is_same_v<T, ConsumeOptions>)
              return o.decider.policy().gallery_check;
            if constexpr (std::is_same_v<T, ReprocessOptions>) return o.run.decider.policy().gallery_check;
            FAIL("not a decider");
            return false;
          },
          p.invocation->command);
    };
    for (const auto& args : std::vector<std::vector<std::string>>{{"run"}, {"reprocess", "--ids", "1"}, {"consume"}}) {
      INFO(args[0]);
      const auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> words = args;
        words.insert(words.end(), extra.begin(), extra.end());
        return words;
      };
      CHECK(check_of(parse_with(args, "", {}, dir)));
      CHECK_FALSE(check_of(parse_with(args, "[pass]\ngallery_check = false\n", {}, dir)));
      CHECK_FALSE(check_of(parse_with(args, "", {{"BIOSENSE_GALLERY_CHECK", "false"}}, dir)));
      CHECK(check_of(parse_with(args, "[pass]\ngallery_check = false\n", {{"BIOSENSE_GALLERY_CHECK", "true"}}, dir)));
      CHECK_FALSE(check_of(parse_with(with({"--no-gallery-check"}), "", {}, dir)));
      CHECK(check_of(parse_with(with({"--gallery-check"}), "", {{"BIOSENSE_GALLERY_CHECK", "false"}}, dir)));
    }
    CHECK_THAT(config_error(parse_with({"run"}, "[pass]\ngallery_check = \"no\"\n", {}, dir)),
               Catch::Contains("pass.gallery_check"));
  }
  SECTION("bad values name the key") {
    CHECK_THAT(config_error(parse_with({"consume"}, "[amqp]\nqueues = \"a,,b\"\n", {}, dir)),
               Catch::Contains("amqp.queues"));
    CHECK_THAT(config_error(parse_with({"watch"}, "", {{"BIOSENSE_WATCH_FRAMES", "1"}}, dir)),
               Catch::Contains("BIOSENSE_WATCH_FRAMES"));
  }
}

TEST_CASE("unknown keys and bad values fail with the key's name", "[config]") {
  TempDir dir;
  struct Case {
    std::string toml;
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases{
      {"[pass]\nbatchsize = 10\n", {"pass.batchsize", "unknown key", "line 2"}},
      {"verbose = true\n", {"'verbose'", "unknown key"}},
      {"[pass]\nbatch_size = \"64\"\n", {"pass.batch_size", "expected an integer"}},
      {"[pass]\nbatch_size = 0\n", {"pass.batch_size", "from 1 to 10000", "got 0"}},
      {"[pass]\ntolerance = 3.5\n", {"pass.tolerance", "from 0 to 2"}},
      {"[pass]\nthreads = 0\n", {"pass.threads", "0 threads"}},
      {"[pass]\nkeep_files = \"yes\"\n", {"pass.keep_files", "true or false"}},
      {"[log]\nformat = \"yaml\"\n", {"log.format", "text, json", "yaml"}},
      {"[amqp]\nconsumers = 100\n", {"amqp.consumers", "from 1 to 64"}},
      {"[database]\nurl = \"postgres://u@h/db\"\n", {"database.url", "malformed database URL"}},
      {"[pass]\nbatch_size = \n", {"not valid TOML", "line 2"}},
  };
  for (const auto& c : cases) {
    INFO(c.toml);
    const std::string message = config_error(parse_with({"run"}, c.toml, {}, dir));
    CHECK_THAT(message, Catch::Contains((dir / "biosense.toml").string()));
    for (const auto& e : c.expected) CHECK_THAT(message, Catch::Contains(e));
  }
}

TEST_CASE("bad environment values fail with the variable and the key", "[config]") {
  TempDir dir;
  const std::vector<std::pair<config::Environment, std::string>> cases{
      {{{"BIOSENSE_BATCH_SIZE", "abc"}}, "BIOSENSE_BATCH_SIZE (pass.batch_size)"},
      {{{"BIOSENSE_BATCH_SIZE", "12x"}}, "BIOSENSE_BATCH_SIZE (pass.batch_size)"},
      {{{"BIOSENSE_TOLERANCE", "-1"}}, "BIOSENSE_TOLERANCE (pass.tolerance)"},
      {{{"BIOSENSE_VERBOSE", "maybe"}}, "BIOSENSE_VERBOSE (log.verbose)"},
      {{{"BIOSENSE_AMQP_URL", "http://guest:hunter2@h/"}}, "BIOSENSE_AMQP_URL (amqp.url)"},
  };
  for (const auto& [env, expected] : cases) {
    const std::string message = config_error(parse_with({"run"}, "", env, dir));
    CHECK_THAT(message, Catch::Contains(expected));
    CHECK_THAT(message, !Catch::Contains("hunter2"));
  }
  config::Environment on{{"BIOSENSE_VERBOSE", "yes"}, {"BIOSENSE_KEEP_FILES", "1"}};
  const auto p = parse_with({"run"}, "", on, dir);
  CHECK(run_of(p).decider.keep_files);
  CHECK(p.invocation->global.verbosity == 1);
}

TEST_CASE("a malformed secret URL is reported without its password", "[config]") {
  TempDir dir;
  const std::string message =
      config_error(parse_with({"run"}, "[database]\nurl = \"mysql://bio:hunter2@db:99999/x\"\n", {}, dir));
  CHECK_THAT(message, Catch::Contains("database.url"));
  CHECK_THAT(message, !Catch::Contains("hunter2"));
}

TEST_CASE("the configuration file is --config, then $BIOSENSE_CONFIG, then the first candidate", "[config]") {
  TempDir dir;
  write(dir / "a.toml", "[pass]\nbatch_size = 1\n");
  write(dir / "b.toml", "[pass]\nbatch_size = 2\n");
  write(dir / "c.toml", "[pass]\nbatch_size = 3\n");
  const std::vector<std::string> candidates{(dir / "missing.toml").string(), (dir / "c.toml").string(),
                                            (dir / "b.toml").string()};
  const config::Environment env{{"BIOSENSE_CONFIG", (dir / "b.toml").string()}};
  CHECK(run_of(parse_with_configuration({"--config", (dir / "a.toml").string(), "run"}, env, candidates)).batch_size ==
        1);
  CHECK(
      run_of(parse_with_configuration({"--config=" + (dir / "a.toml").string(), "run"}, env, candidates)).batch_size ==
      1);
  CHECK(run_of(parse_with_configuration({"run"}, env, candidates)).batch_size == 2);
  CHECK(run_of(parse_with_configuration({"run"}, {}, candidates)).batch_size == 3);
  CHECK(run_of(parse_with_configuration({"run"}, {}, {(dir / "missing.toml").string()})).batch_size == 64);

  const std::string missing = (dir / "nope.toml").string();
  CHECK_THAT(config_error(parse_with_configuration({"--config", missing, "run"}, {}, candidates)),
             Catch::Contains(missing));
  CHECK_THAT(config_error(parse_with_configuration({"run"}, {{"BIOSENSE_CONFIG", missing}}, candidates)),
             Catch::Contains("$BIOSENSE_CONFIG"));
}

TEST_CASE("config show prints effective values with their sources and masks passwords", "[config]") {
  TempDir dir;
  write(dir / "biosense.toml",
        "[database]\nurl = \"mysql://bio:file-pw-123@db:3306/biosense\"\n[amqp]\nconsumers = 4\n"
        "[pass]\nbatch_size = 16\n");
  const auto r =
      test::run_biosense({"--config", (dir / "biosense.toml").string(), "--log-format", "json", "config", "show"},
                         {"BIOSENSE_AMQP_URL=amqp://bus:env-pw-456@rabbit:5672/%2f", "BIOSENSE_TOLERANCE=0.55"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, !Catch::Contains("file-pw-123"));
  CHECK_THAT(r.out, !Catch::Contains("env-pw-456"));
  CHECK_THAT(r.out, Catch::Contains("url = \"mysql://bio:***@db:3306/biosense\"  # file"));
  CHECK_THAT(r.out, Catch::Contains("url = \"amqp://bus:***@rabbit:5672/%2f\"  # environment BIOSENSE_AMQP_URL"));
  CHECK_THAT(r.out, Catch::Contains("consumers = 4  # file"));
  CHECK_THAT(r.out, Catch::Contains("batch_size = 16  # file"));
  CHECK_THAT(r.out, Catch::Contains("tolerance = 0.55  # environment BIOSENSE_TOLERANCE"));
  CHECK_THAT(r.out, Catch::Contains("format = \"json\"  # flag --log-format"));
  CHECK_THAT(r.out, Catch::Contains("lease = 600  # default"));
  CHECK_THAT(r.out, Catch::Contains("# configuration file: " + (dir / "biosense.toml").string()));

  const auto bad = test::run_biosense({"config", "show"}, {"BIOSENSE_LEASE=5"});
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.err, Catch::Contains("BIOSENSE_LEASE (pass.lease)"));
}

TEST_CASE("config show's output is itself a valid configuration file", "[config]") {
  TempDir dir;
  const auto p = parse_with({"config", "show"}, "[pass]\nbatch_size = 8\n[detection]\nupsample = 0\n", {}, dir);
  REQUIRE(p.invocation);
  const auto& show = std::get<ConfigShowOptions>(p.invocation->command);
  const std::string text = config::render_show(*show.settings);
  const config::Settings again = config::load_settings(text, "shown.toml", {});
  CHECK(std::get<long long>(again.at("pass.batch_size").value) == 8);
  CHECK(std::get<long long>(again.at("detection.upsample").value) == 0);
}

TEST_CASE("the example file is generated from the table and holds every default", "[config]") {
  const std::filesystem::path source = BIOSENSE_SOURCE_DIR;
  const std::string example = slurp(source / "biosense.example.toml");
  INFO("regenerate with: build/biosense config keys --format toml > biosense.example.toml");
  REQUIRE(example == config::render_example_toml());
  // Commented out it is empty; uncommented it sets every key to its default.
  CHECK(config::load_settings(example, "example", {}).values.size() == config::key_table().size());
  const std::string uncommented =
      std::regex_replace(example, std::regex("^#([a-z_]+ = )", std::regex::multiline), "$1");
  const config::Settings s = config::load_settings(uncommented, "example", {});
  const config::Settings defaults = config::default_settings();
  for (std::size_t i = 0; i < s.values.size(); ++i) {
    INFO(s.values[i].spec->key);
    CHECK(s.values[i].source == config::Source::File);
    CHECK(s.values[i].value == defaults.values[i].value);
  }
}

TEST_CASE("the README's configuration reference is generated from the table", "[config]") {
  const std::string readme = slurp(std::filesystem::path(BIOSENSE_SOURCE_DIR) / "README.md");
  const std::string begin = "<!-- config-keys:begin (generated: biosense config keys --format markdown) -->\n";
  const std::string end = "<!-- config-keys:end -->";
  const std::size_t from = readme.find(begin);
  const std::size_t to = readme.find(end);
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  INFO("regenerate the README section with: build/biosense config keys --format markdown");
  CHECK(readme.substr(from + begin.size(), to - from - begin.size()) == config::render_markdown());
  for (const auto& spec : config::key_table()) CHECK_THAT(readme, Catch::Contains(std::string(spec.env)));
}
