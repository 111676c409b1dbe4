/// `biosense report`: parsing, and end to end through the built binary on the
/// seeded rows (support/report_seed.cpp) in a real SQLite file and a real
/// MariaDB database.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <fmt/format.h>

#include "biosense/cli/invocation.hpp"
#include "biosense/storage/db_url.hpp"
#include "support/report_seed.hpp"
#include "support/storage_backend.hpp"
#include "support/test_support.hpp"

using namespace biosense;
using namespace biosense::test;

namespace {

std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("report command parses", "[report][cli]") {
  auto p = parse_command_line({"report", "--since", "2024-03-01", "--until", "2024-03-02 06:30:00", "--lan-id", "NA\\x",
                               "--format", "HTML", "-o", "r.html", "--max-rows", "5"});
  REQUIRE(p.invocation);
  const auto& o = std::get<ReportOptions>(p.invocation->command);
  CHECK(o.request.since == "2024-03-01 00:00:00");
  CHECK(o.request.until == "2024-03-02 06:30:00");
  CHECK(o.request.lan_id == "NA\\x");
  CHECK(o.request.max_rows == 5);
  CHECK(o.format == report::ReportFormat::Html);
  CHECK(o.output == "r.html");
  p = parse_command_line({"report"});
  REQUIRE(p.invocation);
  const auto& d = std::get<ReportOptions>(p.invocation->command);
  CHECK_FALSE(d.request.since);  // the last 24 hours on the database clock, resolved when run
  CHECK_FALSE(d.request.until);
  CHECK_FALSE(d.request.lan_id);
  CHECK(d.format == report::ReportFormat::Table);
  CHECK(d.output.empty());
}

TEST_CASE("bad report flags are usage errors", "[report][cli]") {
  for (const std::vector<std::string>& words :
       std::vector<std::vector<std::string>>{{"report", "--since", "yesterday"},
                                             {"report", "--until", "2024-02-30"},
                                             {"report", "--since", "2024-03-01 10:00"},
                                             {"report", "--since", "2024-03-02", "--until", "2024-03-01"},
                                             {"report", "--since", "2024-03-01", "--until", "2024-03-01"},
                                             {"report", "--format", "pdf"},
                                             {"report", "--max-rows", "-1"}}) {
    INFO(words.back());
    const auto p = parse_command_line(words);
    CHECK_FALSE(p.invocation);
    CHECK(p.exit_code == 1);
    CHECK_FALSE(p.message.empty());
  }
}

SQL_BACKEND_TEST("report end to end: the binary prints JSON with the seeded numbers", "[report][cli]") {
  backend.migrate();
  seed_report_rows(backend.raw());
  const auto r =
      run_biosense({"--db", backend.url(), "report", "--since", "2024-03-01", "--until", kUntil, "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["window"]["since"] == kSince);
  CHECK(doc["hourly"].size() == 7);
  CHECK(doc["non_success"]["total"] == 4);
  CHECK(doc["agents"][0]["verified"] == 3);
  CHECK(doc["throughput"]["processed"] == 7);
  CHECK(doc["throughput"]["pending_now"] == 3);
  CHECK(doc["confidence"][9]["n"] == 2);
  CHECK(doc["alerts"].empty());

  const auto one = run_biosense({"--db", backend.url(), "report", "--since", "2024-03-01", "--until", kUntil,
                                 "--lan-id", kAgentB, "--format", "csv"});
  REQUIRE(one.exit_code == 0);
  CHECK(one.out.find("# hourly\r\nhour,lan_id,result,n\r\n2024-03-01 09:00,na\\rgupta,NO_TRAINING_IMAGE,1\r\n") !=
        std::string::npos);
}

TEST_CASE("report end to end: table by default, -o writes the file atomically, errors are exit codes",
          "[report][cli]") {
  auto backend = make_sqlite_backend();
  backend->migrate();
  seed_report_rows(backend->raw());
  const std::vector<std::string> day = {"--db", backend->url(), "report", "--since", kSince, "--until", kUntil};

  auto r = run_biosense(day);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Non-success snapshots: 4") != std::string::npos);
  CHECK(r.out.find("pending now: 3") != std::string::npos);

  TempDir dir;
  const auto file = dir / "report.html";
  auto args = day;
  args.insert(args.end(), {"--format", "html", "-o", file.string()});
  r = run_biosense(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.empty());
  const std::string html = slurp(file);
  CHECK(html.find("<svg") != std::string::npos);
  CHECK(html.find("</html>") != std::string::npos);
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++files;
  }
  CHECK(files == 1);  // no temp file left behind

  args = day;
  args.insert(args.end(), {"-o", (dir / "missing" / "r.txt").string()});
  CHECK(run_biosense(args).exit_code == 1);
  CHECK(run_biosense({"--db", backend->url(), "report", "--since", "2030-01-01"}).exit_code == 1);  // after now
  CHECK(run_biosense({"report", "--format", "svg"}).exit_code == 1);

  const auto fresh = dir / "empty.db";
  CHECK(run_biosense({"--db", "sqlite:" + fresh.string(), "report"}).exit_code == 2);  // not migrated
  CHECK(run_biosense({"--db", "mysql://nobody@127.0.0.1:1/none", "report"}).exit_code == 2);
}

TEST_CASE("report as the read-only reporting account: views and report, no photos", "[report][cli][mariadb]") {
  auto backend = make_mariadb_backend();
  if (!backend) return;
  backend->migrate();
  seed_report_rows(backend->raw());
  const DbUrl admin = parse_db_url(backend->url());
  const std::string user = "bsr_" + std::to_string(getpid());
  const std::string password = "r'p\\t@pw";
  TempDir dir;
  const auto mariadb = [&](const std::string& statement, const std::string& as, const std::string& pw) {
    std::vector<std::string> argv{"/usr/bin/mariadb", "-h" + admin.host, "-P" + std::to_string(admin.port), "-u" + as};
    if (!pw.empty()) argv.push_back("-p" + pw);
    argv.insert(argv.end(), {admin.database, "-e", statement});
    return run_program(argv, dir / "mariadb.log");
  };
  struct DropUser {
    std::function<int(const std::string&, const std::string&, const std::string&)> sql;
    std::string user, admin;
    ~DropUser() { sql("DROP USER IF EXISTS '" + user + "'@'%'", admin, ""); }
  } drop{mariadb, user, admin.user};

  const int made = run_program(
      {"/bin/bash", std::string(BIOSENSE_SOURCE_DIR) + "/scripts/create_mariadb_user.sh", "--database", admin.database,
       "--user", user, "--reporting", "--", "-h" + admin.host, "-P" + std::to_string(admin.port), "-u" + admin.user},
      dir / "script.log", {"BIOSENSE_NEW_DB_PASSWORD=" + password});
  INFO(slurp(dir / "script.log"));
  REQUIRE(made == 0);

  const std::string url =
      fmt::format("mysql://{}:r%27p%5Ct%40pw@{}:{}/{}", user, admin.host, admin.port, admin.database);
  const auto r = run_biosense({"--db", url, "report", "--since", kSince, "--until", kUntil, "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)["non_success"]["total"] == 4);
  CHECK(mariadb("SELECT * FROM report_hourly", user, password) == 0);
  CHECK(mariadb("SELECT * FROM report_agent_rates", user, password) == 0);
  CHECK(mariadb("SELECT * FROM report_non_success", user, password) == 0);
  CHECK(mariadb("SELECT image FROM stream_img", user, password) != 0);
  CHECK(mariadb("UPDATE stream_img SET status = 'N'", user, password) != 0);
  CHECK(mariadb("SELECT * FROM train_img", user, password) != 0);
}
