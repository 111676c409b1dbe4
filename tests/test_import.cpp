/// `biosense db migrate|status` and `biosense import`: parsing, and end to end
/// through the built binary on a temporary SQLite file.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "biosense/cli/invocation.hpp"
#include "biosense/storage/migrations.hpp"
#include "biosense/storage/repository.hpp"
#include "support/test_support.hpp"

using namespace biosense;
using biosense::test::run_biosense;
using biosense::test::TempDir;

namespace {

std::size_t count_lines(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("db and import commands parse", "[storage][import][cli]") {
  auto p = parse_command_line({"--db", "sqlite:x.db", "db", "migrate"});
  REQUIRE(p.invocation);
  CHECK(std::holds_alternative<DbMigrateOptions>(p.invocation->command));
  CHECK(p.invocation->global.db_url == "sqlite:x.db");
  p = parse_command_line({"db", "status"});
  REQUIRE(p.invocation);
  CHECK(std::holds_alternative<DbStatusOptions>(p.invocation->command));
  CHECK(p.invocation->global.db_url.empty());  // resolved later, by the command

  p = parse_command_line(
      {"import", "--lan-id", "NA\\agent", "--train", "a.jpg", "b.png", "--capture-time", "2024-02-03 04:05:06"});
  REQUIRE(p.invocation);
  const auto& o = std::get<ImportOptions>(p.invocation->command);
  CHECK(o.lan_id == "NA\\agent");
  CHECK(o.kind == ImageKind::Train);
  CHECK(o.files == std::vector<std::string>{"a.jpg", "b.png"});
  CHECK(o.capture_time == "2024-02-03 04:05:06");
  p = parse_command_line({"import", "--lan-id", "x", "--stream", "a.jpg"});
  REQUIRE(p.invocation);
  CHECK(std::get<ImportOptions>(p.invocation->command).kind == ImageKind::Stream);
  CHECK(std::get<ImportOptions>(p.invocation->command).capture_time.empty());
}

TEST_CASE("bad db and import flags are usage errors", "[storage][import][cli]") {
  for (const std::vector<std::string>& words : std::vector<std::vector<std::string>>{
           {"db"},
           {"db", "drop"},
           {"import", "--stream", "a.jpg"},                              // no --lan-id
           {"import", "--lan-id", "x", "a.jpg"},                         // neither --train nor --stream
           {"import", "--lan-id", "x", "--train", "--stream", "a.jpg"},  // both
           {"import", "--lan-id", "x", "--train"},                       // no file
           {"import", "--lan-id", "", "--train", "a.jpg"},               // empty lan_id
           {"import", "--lan-id", "x", "--train", "a.jpg", "--capture-time", "2024-02-03"},
           {"import", "--lan-id", "x", "--train", "a.jpg", "--capture-time", "2024-13-03 04:05:06"},
       }) {
    const auto p = parse_command_line(words);
    INFO(p.message);
    CHECK_FALSE(p.invocation);
    CHECK(p.exit_code == 1);
  }
}

TEST_CASE("import end to end on a SQLite file", "[storage][import][sqlite]") {
  TempDir dir;
  const std::string url = "sqlite:" + (dir / "bio.db").string();
  Bytes binary;
  for (int i = 0; i < 256; ++i) binary.push_back(static_cast<std::uint8_t>(255 - i));
  test::write_bytes(dir / "snap one.jpg", binary);
  test::write_bytes(dir / "train.png", Bytes{0, 0, 0});
  const std::string snap = (dir / "snap one.jpg").string(), train = (dir / "train.png").string();

  // Before migrating: status lists everything pending; import refuses (exit 2).
  auto r = run_biosense({"--db", url, "db", "status"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("database " + url) != std::string::npos);
  CHECK(count_lines(r.out, "pending  ") == static_cast<std::size_t>(latest_schema_version()));
  CHECK(r.out.find("pending  001_initial") != std::string::npos);
  r = run_biosense({"--db", url, "import", "--lan-id", "NA\\agent", "--stream", snap});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("db migrate") != std::string::npos);

  r = run_biosense({"--db", url, "db", "migrate"});
  REQUIRE(r.exit_code == 0);
  CHECK(count_lines(r.out, "applied  ") == static_cast<std::size_t>(latest_schema_version()));
  r = run_biosense({"--db", url, "db", "migrate"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("up to date") != std::string::npos);
  r = run_biosense({"--db", url, "db", "status"});
  CHECK(count_lines(r.out, "applied  ") == static_cast<std::size_t>(latest_schema_version()));
  CHECK(r.out.find("applied  002_claims_and_audit") != std::string::npos);
  CHECK(r.out.find("schema is up to date") != std::string::npos);

  r = run_biosense({"--db", url, "import", "--lan-id", "NA\\agent", "--stream", snap, snap, "--capture-time",
                    "2024-02-03 04:05:06"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "stream_img id 1  " + snap + "\nstream_img id 2  " + snap + "\n");
  // The URL may come from the environment instead of --db.
  r = run_biosense({"import", "--lan-id", "NA\\agent", "--train", train}, {"BIOSENSE_DB_URL=" + url});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "train_img id 1  " + train + "\n");

  // A missing file inserts nothing (exit 1), even when listed after a good one.
  r = run_biosense({"--db", url, "import", "--lan-id", "x", "--stream", snap, (dir / "missing.jpg").string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("missing.jpg") != std::string::npos);
  r = run_biosense({"--db", url, "import", "--lan-id", "x", "--stream"});
  CHECK(r.exit_code == 1);

  const auto repo = open_repository(url);
  const auto rows = repo->peek_pending(ImageKind::Stream, 10, 0);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].lan_id == "NA\\agent");
  CHECK(rows[0].capture_time == "2024-02-03 04:05:06");
  REQUIRE(rows[0].image);
  CHECK(*rows[0].image == binary);
  const auto benchmark = repo->load_train_image(1);
  REQUIRE(benchmark);
  CHECK(benchmark->image == Bytes{0, 0, 0});
}

TEST_CASE("the --db flag beats BIOSENSE_DB_URL, and failures never print the password", "[storage][import]") {
  TempDir dir;
  const std::string url = "sqlite:" + (dir / "flag.db").string();
  auto r = run_biosense({"--db", url, "db", "migrate"}, {"BIOSENSE_DB_URL=mysql://root:hunter2@127.0.0.1:1/x"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find(url) != std::string::npos);

  r = run_biosense({"db", "status"}, {"BIOSENSE_DB_URL=mysql://root:hunter2@127.0.0.1:1/x"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("mysql://root:***@127.0.0.1:1/x") != std::string::npos);
  CHECK(r.err.find("hunter2") == std::string::npos);
  CHECK(r.out.find("hunter2") == std::string::npos);

  r = run_biosense({"--db", "mysql://root:hunter2@127.0.0.1:notaport/x", "db", "status"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("hunter2") == std::string::npos);
}
