/// Shipping without a Docker engine: the image's entrypoint run natively,
/// `cmake --install` into a temp prefix, and the least-privilege MariaDB
/// account used for a real pass.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "biosense/storage/db_url.hpp"
#include "support/storage_backend.hpp"
#include "support/test_support.hpp"

extern char** environ;

using namespace biosense;
using biosense::test::TempDir;

namespace {

namespace fs = std::filesystem;

const fs::path kSource = BIOSENSE_SOURCE_DIR;

std::string slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Runs argv with extra "NAME=value" environment entries (and without the
/// names in `unset`), capturing stdout and stderr.
test::ProcessResult run(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env = {},
                        const std::vector<std::string>& unset = {}) {
  TempDir tmp;
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    bool drop = false;
    for (const auto& name : unset) drop = drop || entry.rfind(name + "=", 0) == 0;
    if (!drop) env.push_back(entry);
  }
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> envp, args;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> words = argv;
  for (auto& w : words) args.push_back(w.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string out = (tmp / "out").string(), err = (tmp / "err").string();
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  test::ProcessResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

/// A stand-in for biosense that records its arguments, one per line, and
/// exits with $FAKE_EXIT.
fs::path recorder(const TempDir& dir) {
  const fs::path script = dir / "fake-biosense";
  std::ofstream(script) << "#!/bin/sh\n: > \"$FAKE_LOG\"\nfor a in \"$@\"; do printf '%s\\n' \"$a\" >> \"$FAKE_LOG\"; "
                           "done\nexit \"${FAKE_EXIT:-0}\"\n";
  fs::permissions(script, fs::perms::owner_all);
  return script;
}

test::ProcessResult entrypoint(const TempDir& dir, const std::string& mode, const std::vector<std::string>& args = {},
                               const std::string& fake_exit = "0") {
  std::vector<std::string> argv{"sh", (kSource / "scripts" / "docker-entrypoint.sh").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> env{"BIOSENSE_BIN=" + recorder(dir).string(), "FAKE_LOG=" + (dir / "argv").string(),
                               "FAKE_EXIT=" + fake_exit};
  if (!mode.empty()) env.push_back("MODE=" + mode);
  return run(argv, env, {"MODE"});
}

std::vector<std::string> recorded(const TempDir& dir) {
  std::vector<std::string> lines;
  std::ifstream in(dir / "argv");
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

using Words = std::vector<std::string>;

}  // namespace

TEST_CASE("the Docker entrypoint maps MODE to a biosense command line", "[deploy]") {
  const std::vector<std::pair<std::string, Words>> modes{
      {"FaceStreaming", {"run", "--mode", "stream", "--loop"}},
      {"FaceTraining", {"run", "--mode", "train", "--loop"}},
      {"Consumer", {"consume"}},
      {"Once", {"run", "--mode", "all", "--once"}},
      {"Watch", {"watch", "--loop"}},
      {"Migrate", {"db", "migrate"}},
  };
  for (const auto& [mode, words] : modes) {
    TempDir dir;
    INFO(mode);
    const auto r = entrypoint(dir, mode);
    CHECK(r.exit_code == 0);
    CHECK(recorded(dir) == words);
    CHECK_THAT(r.err, Catch::Contains("MODE=" + mode));
  }
  SECTION("container arguments are appended") {
    TempDir dir;
    CHECK(entrypoint(dir, "FaceStreaming", {"--threads", "2"}).exit_code == 0);
    CHECK(recorded(dir) == Words{"run", "--mode", "stream", "--loop", "--threads", "2"});
  }
  SECTION("without MODE the arguments are the command line") {
    TempDir dir;
    CHECK(entrypoint(dir, "", {"config", "show"}).exit_code == 0);
    CHECK(recorded(dir) == Words{"config", "show"});
  }
  SECTION("biosense's exit code is the container's") {
    TempDir dir;
    CHECK(entrypoint(dir, "Once", {}, "2").exit_code == 2);
  }
}

TEST_CASE("the Docker entrypoint refuses an unknown or missing MODE", "[deploy]") {
  for (const std::string mode : {"facestreaming", "Stream", "Once;rm", ""}) {
    TempDir dir;
    INFO(mode);
    const auto r = entrypoint(dir, mode);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("FaceStreaming, FaceTraining, Consumer, Once"));
    if (!mode.empty()) CHECK_THAT(r.err, Catch::Contains("unknown MODE '" + mode + "'"));
    CHECK_FALSE(fs::exists(dir / "argv"));  // biosense never started
  }
}

TEST_CASE("the Docker entrypoint runs the real binary: Migrate, then a pass with MODE=Once", "[deploy][models]") {
  TempDir dir;
  const std::string db = "BIOSENSE_DB_URL=sqlite:" + (dir / "bio.db").string();
  const std::vector<std::string> env{db, "BIOSENSE_BIN=" BIOSENSE_BINARY,
                                     "BIOSENSE_DATA_DIR=" + (dir / "Data").string(), "BIOSENSE_LOG_FORMAT=json"};
  const std::string script = (kSource / "scripts" / "docker-entrypoint.sh").string();
  auto with_mode = [&](const std::string& mode) {
    auto e = env;
    e.push_back("MODE=" + mode);
    return e;
  };
  REQUIRE(run({"sh", script}, with_mode("Migrate")).exit_code == 0);
  const fs::path photos = test::data_file("misc/face_recognition");
  REQUIRE(run({BIOSENSE_BINARY, "import", "--lan-id", "NA\\agent", "--train", (photos / "obama.jpg").string()}, env)
              .exit_code == 0);
  REQUIRE(run({BIOSENSE_BINARY, "import", "--lan-id", "NA\\agent", "--stream", (photos / "obama2.jpg").string(),
               (photos / "biden.jpg").string()},
              env)
              .exit_code == 0);
  const auto r = run({"sh", script}, with_mode("Once"));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("\"msg\":\"pass stream: 2 decided"));
  CHECK_THAT(r.err, Catch::Contains("SUCCESS=1"));
  CHECK_THAT(r.err, Catch::Contains("UNKNOWN_PERSON=1"));
}

TEST_CASE("cmake --install lays out the binary, models, example config, units and cron file", "[deploy][models]") {
  TempDir prefix;
  const auto r = run({"cmake", "--install", BIOSENSE_BUILD_DIR, "--prefix", prefix.path().string()});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const fs::path p = prefix.path();
  CHECK(fs::is_regular_file(p / "bin" / "biosense"));
  CHECK(slurp(p / "share" / "biosense" / "biosense.example.toml") == slurp(kSource / "biosense.example.toml"));
  CHECK(fs::is_regular_file(p / "share" / "biosense" / "cron" / "biosense"));
  for (const char* unit : {"biosense-stream.service", "biosense-train.service", "biosense-once.service",
                           "biosense-once.timer", "biosense-consume.service"})
    CHECK(fs::is_regular_file(p / "lib" / "systemd" / "system" / unit));
  CHECK(fs::is_regular_file(p / "share" / "biosense" / "scripts" / "create_mariadb_user.sh"));
  // systemd accepts the units (ExecStart pointed at the installed binary).
  if (run({"systemd-analyze", "--version"}).exit_code == 0) {
    TempDir units;
    for (const auto& unit : fs::directory_iterator(p / "lib" / "systemd" / "system")) {
      std::string text = slurp(unit.path());
      const std::string exec = "ExecStart=" BIOSENSE_INSTALL_BINDIR "/biosense";
      if (unit.path().extension() == ".timer") {
        std::ofstream(units / unit.path().filename().string()) << text;
        continue;
      }
      REQUIRE(text.find(exec) != std::string::npos);
      text.replace(text.find(exec), exec.size(), "ExecStart=" + (p / "bin" / "biosense").string());
      std::ofstream(units / unit.path().filename().string()) << text;
    }
    std::vector<std::string> verify{"systemd-analyze", "verify", "--man=no"};
    for (const auto& unit : fs::directory_iterator(units.path())) verify.push_back(unit.path().string());
    const auto v = run(verify);
    INFO(v.out << v.err);
    CHECK(v.exit_code == 0);
    CHECK(v.err.empty());
  } else {
    WARN("systemd-analyze is not installed: the systemd units were not verified");
  }
  // The weights are copied from the machine's models folder and verified.
  const auto check = run({(p / "bin" / "biosense").string(), "--models-dir",
                          (p / "share" / "biosense" / "models").string(), "models", "check"});
  INFO(check.out << check.err);
  CHECK(check.exit_code == 0);
  CHECK_THAT(check.out, Catch::Contains((p / "share" / "biosense" / "models").string()));
  CHECK_THAT(check.out, !Catch::Contains("MISSING"));
}

TEST_CASE("the least-privilege MariaDB account runs a pass and cannot DROP", "[deploy][mariadb]") {
  auto backend = test::make_mariadb_backend();
  if (!backend) return;
  backend->migrate();
  const DbUrl admin = parse_db_url(backend->url());
  const std::string user = "bsw_" + std::to_string(getpid());
  const std::string password = "w'rk\\er@pw";
  const std::vector<std::string> client{"--", "-h" + admin.host, "-P" + std::to_string(admin.port), "-u" + admin.user};
  auto script = [&](std::vector<std::string> args) {
    std::vector<std::string> argv{"bash", (kSource / "scripts" / "create_mariadb_user.sh").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), client.begin(), client.end());
    return run(argv, {"BIOSENSE_NEW_DB_PASSWORD=" + password});
  };
  struct DropUser {
    std::vector<std::string> client;
    std::string user;
    ~DropUser() {
      std::vector<std::string> argv{"mariadb"};
      argv.insert(argv.end(), client.begin() + 1, client.end());
      argv.push_back("-e");
      argv.push_back("DROP USER IF EXISTS '" + user + "'@'%'");
      run(argv);
    }
  } drop_user{client, user};

  const auto photos = test::data_file("misc/face_recognition");
  backend->add_row(ImageKind::Train, "NA\\agent", Status::Pending, test::read_bytes(photos / "obama.jpg"));
  const auto match =
      backend->add_row(ImageKind::Stream, "NA\\agent", Status::Pending, test::read_bytes(photos / "obama2.jpg"));
  const auto other =
      backend->add_row(ImageKind::Stream, "NA\\agent", Status::Pending, test::read_bytes(photos / "biden.jpg"));

  const auto made = script({"--database", admin.database, "--user", user});
  INFO(made.out << made.err);
  REQUIRE(made.exit_code == 0);
  CHECK_THAT(made.out + made.err, !Catch::Contains(password));

  // A pass as the worker: every verdict and audit row written.
  const std::string worker_url =
      fmt::format("mysql://{}:w%27rk%5Cer%40pw@{}:{}/{}", user, admin.host, admin.port, admin.database);
  TempDir data;
  const auto pass = test::run_biosense(
      {"--log-format", "json", "-v", "--db", worker_url, "run", "--once", "--data-dir", (data / "Data").string()});
  INFO(pass.err);
  REQUIRE(pass.exit_code == 0);
  CHECK(backend->row(ImageKind::Stream, match).result == std::optional<std::string>("SUCCESS"));
  CHECK(backend->row(ImageKind::Stream, other).result == std::optional<std::string>("UNKNOWN_PERSON"));
  CHECK(backend->audit_count() == 3);
  CHECK_THAT(pass.err, !Catch::Contains("rk%5Cer"));
  CHECK_THAT(pass.err, !Catch::Contains(password));
  CHECK_THAT(pass.err, Catch::Contains(user + ":***@"));  // the -v line names the database, redacted

  // The watch as the worker: one of the two snapshots (captured 2024-01-01 00:00) shows someone else, so
  // SUBSTITUTED is raised (INSERT) and, on the next run, extended (UPDATE).
  const std::vector<std::string> watch{
      "--db", worker_url, "watch", "--once", "--at", "2024-01-01 00:05:00", "--frames", "2", "--substituted-share",
      "0.4"};
  const auto first = test::run_biosense(watch);
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK_THAT(first.out, Catch::Contains("(new) SUBSTITUTED"));
  const auto second = test::run_biosense(watch);
  INFO(second.out << second.err);
  REQUIRE(second.exit_code == 0);
  CHECK_THAT(second.out, Catch::Contains("(extended) SUBSTITUTED"));

  // ... and nothing it was not granted.
  auto as_worker = [&](const std::string& statement) {
    return run({"mariadb", "-h" + admin.host, "-P" + std::to_string(admin.port), "-u" + user, "-p" + password,
                admin.database, "-e", statement});
  };
  for (const std::string& statement : std::vector<std::string>{
           "DROP TABLE process_status", "DELETE FROM stream_img", "INSERT INTO stream_img (lan_id) VALUES ('x')",
           "ALTER TABLE train_img ADD COLUMN x INT", "CREATE TABLE evil (id INT)",
           "UPDATE process_status SET detail = ''", "DELETE FROM process_status", "DELETE FROM alert",
           "UPDATE alert_kind SET description = ''", "DROP DATABASE " + admin.database}) {
    INFO(statement);
    const auto denied = as_worker(statement);
    CHECK(denied.exit_code != 0);
    CHECK_THAT(denied.err, Catch::Contains("denied"));
  }
  CHECK(as_worker("SELECT COUNT(*) FROM stream_img").exit_code == 0);

  // Running it again resets the grants; a hostile name is refused.
  CHECK(script({"--database", admin.database, "--user", user}).exit_code == 0);
  CHECK(as_worker("DROP TABLE process_status").exit_code != 0);
  CHECK(as_worker("SELECT COUNT(*) FROM train_img").exit_code == 0);
  const auto bad = script({"--database", admin.database, "--user", "x'; DROP DATABASE y; --"});
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.err, Catch::Contains("letters, digits and _ only"));
}
