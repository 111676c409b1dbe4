/// The small pure pieces of storage: code names, statuses, claim owners,
/// migration-script splitting and the encoding BLOB layout.
#include <catch2/catch.hpp>

#include <cstring>
#include <set>

#include "biosense/storage/claims.hpp"
#include "biosense/storage/migrations.hpp"
#include "biosense/storage/records.hpp"
#include "storage/embedded_migrations.hpp"
#include "storage/encoding_blob.hpp"
#include "storage/sql_script.hpp"

using namespace biosense;

TEST_CASE("result codes round-trip through their database names", "[storage][records]") {
  std::set<std::string_view> names;
  for (ResultCode code : kAllResultCodes) {
    const auto name = result_code_name(code);
    names.insert(name);
    REQUIRE(parse_result_code(name) == code);
  }
  CHECK(names.size() == std::size(kAllResultCodes));
  CHECK(result_code_name(ResultCode::SuccessMultipleFaces) == "SUCCESS_MULTIPLE_FACES");
  CHECK(result_code_name(ResultCode::TrainingImageFailed) == "TRAINING_IMAGE_FAILED");
  CHECK_FALSE(parse_result_code("success"));
  CHECK_FALSE(parse_result_code(""));
  CHECK(image_kind_name(ImageKind::Stream) == "stream");
  CHECK(image_kind_name(ImageKind::Train) == "train");
}

TEST_CASE("status_for follows DESIGN.md's table", "[storage][records]") {
  using RC = ResultCode;
  for (RC code : {RC::Success, RC::SuccessMultipleFaces, RC::UnknownPerson, RC::UnknownMultipleFaces, RC::NoFacesFound})
    CHECK(status_for(ImageKind::Stream, code) == Status::Done);
  for (RC code : {RC::NoTrainingImage, RC::TrainingImageFailed, RC::InvalidImage, RC::MultipleFaces, RC::LowQuality})
    CHECK(status_for(ImageKind::Stream, code) == Status::Failed);
  CHECK(status_for(ImageKind::Train, RC::Success) == Status::Done);
  for (RC code : {RC::NoFacesFound, RC::MultipleFaces, RC::LowQuality, RC::InvalidImage})
    CHECK(status_for(ImageKind::Train, code) == Status::Failed);
  Decision d;
  d.kind = ImageKind::Stream;
  d.result = RC::UnknownPerson;
  CHECK(d.status() == Status::Done);
}

TEST_CASE("claim_pid reads host:pid claims of this host only", "[storage][records]") {
  CHECK(claim_pid("web1:1234", "web1") == 1234L);
  CHECK(claim_pid("web1:1234:thread-2", "web1") == 1234L);
  CHECK(claim_pid("web1:1234/3", "web1") == 1234L);
  CHECK_FALSE(claim_pid("web10:1234", "web1"));
  CHECK_FALSE(claim_pid("web2:1234", "web1"));
  CHECK_FALSE(claim_pid("web1:", "web1"));
  CHECK_FALSE(claim_pid("web1:abc", "web1"));
  CHECK_FALSE(claim_pid("web1:0", "web1"));
  CHECK_FALSE(claim_pid("web1:99999999999999999999", "web1"));
  CHECK_FALSE(claim_pid("web1", "web1"));
  CHECK_FALSE(claim_pid("anything:12", ""));
}

TEST_CASE("migration scripts split into statements outside quotes and comments", "[storage][migrate]") {
  const auto parts = storage::split_sql_script(
      "-- header; with a semicolon\n"
      "CREATE TABLE a (x TEXT DEFAULT 'a;b'); /* block; comment */\n"
      "INSERT INTO a VALUES ('it''s; fine');\n"
      "  \n;\n"
      "SELECT \"odd;name\" FROM `t;t`  -- trailing; comment\n");
  REQUIRE(parts.size() == 3);
  CHECK(parts[0] == "CREATE TABLE a (x TEXT DEFAULT 'a;b')");
  CHECK(parts[1] == "INSERT INTO a VALUES ('it''s; fine')");
  CHECK(parts[2] == "SELECT \"odd;name\" FROM `t;t`");
}

TEST_CASE("ALTER TABLE ... ADD COLUMN is recognised for SQLite's emulation", "[storage][migrate]") {
  const auto add = storage::parse_add_column("ALTER TABLE stream_img ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0");
  REQUIRE(add);
  CHECK(add->table == "stream_img");
  CHECK(add->column == "attempts");
  const auto lower = storage::parse_add_column("alter table t add c real");
  REQUIRE(lower);
  CHECK(lower->column == "c");
  CHECK_FALSE(storage::parse_add_column("ALTER TABLE t ADD COLUMN IF NOT EXISTS c INT"));
  CHECK_FALSE(storage::parse_add_column("ALTER TABLE t ADD CONSTRAINT c UNIQUE (x)"));
  CHECK_FALSE(storage::parse_add_column("ALTER TABLE t RENAME COLUMN a TO b"));
  CHECK_FALSE(storage::parse_add_column("CREATE TABLE t (a INT)"));
  CHECK_FALSE(storage::parse_add_column("ALTER TABLE t ADD COLUMN c"));
}

TEST_CASE("both dialects embed the same numbered migrations", "[storage][migrate]") {
  const auto sqlite = storage::embedded_migrations(storage::Dialect::Sqlite);
  const auto mysql = storage::embedded_migrations(storage::Dialect::MySql);
  REQUIRE(sqlite.size() == mysql.size());
  REQUIRE_FALSE(sqlite.empty());
  for (std::size_t i = 0; i < sqlite.size(); ++i) {
    CHECK(sqlite[i].version == static_cast<int>(i + 1));
    CHECK(sqlite[i].name == mysql[i].name);
    CHECK_FALSE(storage::split_sql_script(sqlite[i].sql).empty());
  }
  CHECK(latest_schema_version() == sqlite.back().version);
}

TEST_CASE("encodings pack as 128 little-endian float32", "[storage][records]") {
  Encoding e{};
  for (std::size_t i = 0; i < e.size(); ++i) e[i] = static_cast<float>(i) * 0.25f - 3.0f;
  e[0] = 1.0f;
  const std::string blob = storage::encoding_to_blob(e);
  REQUIRE(blob.size() == 512);
  CHECK(std::memcmp(blob.data(), "\x00\x00\x80\x3f", 4) == 0);  // 1.0f
  const auto back = storage::encoding_from_blob(blob);
  REQUIRE(back);
  CHECK(*back == e);
  CHECK_FALSE(storage::encoding_from_blob(blob.substr(1)));
}
