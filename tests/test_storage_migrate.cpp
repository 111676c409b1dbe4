/// Migrations against real SQLite files and a real MariaDB: an empty
/// database, running twice, status, and upgrading the user's legacy schema
/// without losing a row.
#include <soci/soci.h>

#include <catch2/catch.hpp>

#include "biosense/storage/migrations.hpp"
#include "storage/connection.hpp"
#include "support/storage_backend.hpp"

using namespace biosense;
using biosense::test::SqlBackend;

namespace {

long long count(SqlBackend& b, const std::string& query) {
  long long n = 0;
  b.raw().sql() << query, soci::into(n);
  return n;
}

bool index_exists(SqlBackend& b, const std::string& name) {
  long long n = 0;
  if (b.is_mariadb())
    b.raw().sql() << "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE() AND "
                     "index_name = :name",
        soci::use(name), soci::into(n);
  else
    b.raw().sql() << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = :name", soci::use(name),
        soci::into(n);
  return n > 0;
}

void check_contract_schema(SqlBackend& b) {
  auto& c = b.raw();
  const std::vector<std::pair<std::string, std::vector<std::string>>> tables = {
      {"stream_img",
       {"id", "lan_id", "capture_time", "image", "status", "result", "processed_time", "num_faces", "accuracy",
        "distance", "benchmark_id", "claimed_by", "claimed_at", "attempts", "closest_lan_id", "closest_distance"}},
      {"train_img",
       {"id", "lan_id", "capture_time", "image", "status", "result", "processed_time", "num_faces", "claimed_by",
        "claimed_at", "attempts"}},
      {"status_code", {"code", "description"}},
      {"result_code", {"code", "description", "status"}},
      {"process_status",
       {"id", "image_kind", "image_id", "lan_id", "status", "result", "num_faces", "distance", "accuracy",
        "benchmark_id", "model_version", "worker", "started_at", "finished_at", "detail"}},
      {"employee", {"id", "lan_id", "name", "active", "created_at"}},
      {"face_encoding",
       {"train_img_id", "model_version", "encoding", "box_left", "box_top", "box_right", "box_bottom", "quality",
        "mirror_gap", "created_at"}},
      {"schema_version", {"version", "name", "applied_at"}},
  };
  for (const auto& [table, columns] : tables) {
    INFO(table);
    REQUIRE(c.table_exists(table));
    for (const auto& column : columns) {
      INFO(column);
      CHECK(c.column_exists(table, column));
    }
  }
  for (const char* index : {"stream_img_status_id", "train_img_status_id", "train_img_lan_status_id"}) {
    INFO(index);
    CHECK(index_exists(b, index));
  }
}

void check_master_tables(SqlBackend& b) {
  auto& sql = b.raw().sql();
  for (const char* code : {"N", "P", "Y", "F"}) {
    long long n = 0;
    const std::string c = code;
    sql << "SELECT COUNT(*) FROM status_code WHERE code = :code", soci::use(c), soci::into(n);
    CHECK(n == 1);
  }
  CHECK(count(b, "SELECT COUNT(*) FROM result_code") == static_cast<long long>(std::size(kAllResultCodes)));
  for (ResultCode code : kAllResultCodes) {
    const std::string name(result_code_name(code));
    std::string status;
    sql << "SELECT status FROM result_code WHERE code = :code", soci::use(name), soci::into(status);
    INFO(name);
    REQUIRE(sql.got_data());
    CHECK(status == std::string(1, static_cast<char>(status_for(ImageKind::Stream, code))));
  }
}

}  // namespace

SQL_BACKEND_TEST("migrate creates the contract's schema on an empty database", "[migrate]") {
  const auto applied = migrate_database(backend.url());
  REQUIRE(applied.size() == static_cast<std::size_t>(latest_schema_version()));
  for (const auto& m : applied) CHECK(m.applied());
  check_contract_schema(backend);
  check_master_tables(backend);
  for (const auto& m : migration_status(backend.url())) {
    CHECK(m.applied());
    CHECK(m.known);
  }
  CHECK_NOTHROW(open_repository(backend.url()));
}

SQL_BACKEND_TEST("migrate twice is a no-op", "[migrate]") {
  migrate_database(backend.url());
  const long long versions = count(backend, "SELECT COUNT(*) FROM schema_version");
  const long long results = count(backend, "SELECT COUNT(*) FROM result_code");
  CHECK(migrate_database(backend.url()).empty());
  CHECK(migrate_database(backend.url()).empty());
  CHECK(count(backend, "SELECT COUNT(*) FROM schema_version") == versions);
  CHECK(count(backend, "SELECT COUNT(*) FROM result_code") == results);
  check_contract_schema(backend);
}

SQL_BACKEND_TEST("status lists pending migrations and writes nothing", "[migrate]") {
  const auto before = migration_status(backend.url());
  REQUIRE(before.size() == static_cast<std::size_t>(latest_schema_version()));
  for (const auto& m : before) CHECK_FALSE(m.applied());
  CHECK(before.front().name == "initial");
  CHECK_FALSE(backend.raw().table_exists("schema_version"));
  CHECK_FALSE(backend.raw().table_exists("stream_img"));
  CHECK_THROWS_WITH(open_repository(backend.url()), Catch::Contains("biosense db migrate"));

  migrate_database(backend.url());
  // A newer biosense recorded a migration this binary does not carry.
  backend.raw().sql() << "INSERT INTO schema_version (version, name) VALUES (99, 'from_the_future')";
  const auto after = migration_status(backend.url());
  REQUIRE(after.size() == before.size() + 1);
  CHECK(after.back().version == 99);
  CHECK_FALSE(after.back().known);
  CHECK(after.back().applied());
}

SQL_BACKEND_TEST("a legacy database keeps every row and decided status, and gains the new columns",
                 "[migrate][legacy]") {
  auto& sql = backend.raw().sql();
  backend.create_legacy_tables();
  struct Legacy {
    std::string lan_id;
    std::optional<std::string> status;
    std::optional<std::string> result;
  };
  const std::vector<Legacy> stream_rows = {{"NA\\nvep5898", "Y", "SUCCESS"},
                                           {"NA\\nvep5898", "F", "NO_TRAINING_IMAGE"},
                                           {"na\\rgupta", "Y", "UNKNOWN_PERSON"},
                                           {"na\\rgupta", "N", std::nullopt},
                                           {"na\\rgupta", std::nullopt, std::nullopt}};
  const std::vector<Legacy> train_rows = {
      {"NA\\nvep5898", "Y", "SUCCESS"}, {"na\\rgupta", "N", std::nullopt}, {"na\\rgupta", std::nullopt, std::nullopt}};
  const std::string blob("\x00\xff\x01legacy photo\x00", 16);
  const auto insert = [&](const char* table, const Legacy& r) {
    std::string status = r.status.value_or(""), result = r.result.value_or("");
    soci::indicator s_ind = r.status ? soci::i_ok : soci::i_null, r_ind = r.result ? soci::i_ok : soci::i_null;
    const std::string image = backend.is_mariadb() ? ":image" : "CAST(:image AS BLOB)";
    sql << std::string("INSERT INTO ") + table +
               " (lan_id, capture_time, image, status, result) VALUES (:lan, '2023-05-01 10:00:00', " + image +
               ", :status, :result)",
        soci::use(r.lan_id), soci::use(blob), soci::use(status, s_ind), soci::use(result, r_ind);
  };
  for (const auto& r : stream_rows) insert("stream_img", r);
  for (const auto& r : train_rows) insert("train_img", r);

  migrate_database(backend.url());
  check_contract_schema(backend);
  check_master_tables(backend);
  REQUIRE(count(backend, "SELECT COUNT(*) FROM stream_img") == 5);
  REQUIRE(count(backend, "SELECT COUNT(*) FROM train_img") == 3);
  for (std::size_t i = 0; i < stream_rows.size(); ++i) {
    const auto row = backend.row(ImageKind::Stream, static_cast<std::int64_t>(i + 1));
    INFO("stream row " << i + 1);
    CHECK(row.lan_id == stream_rows[i].lan_id);
    CHECK(row.status == stream_rows[i].status.value_or("N"));  // only NULL became N
    CHECK(row.result == stream_rows[i].result);
    CHECK(row.attempts == 0);
    CHECK_FALSE(row.claimed_by);
  }
  for (std::size_t i = 0; i < train_rows.size(); ++i) {
    const auto row = backend.row(ImageKind::Train, static_cast<std::int64_t>(i + 1));
    CHECK(row.status == train_rows[i].status.value_or("N"));
    CHECK(row.result == train_rows[i].result);
  }

  // The upgraded database works for biosense...
  Repository& repo = backend.open();
  CHECK(repo.max_pending_id(ImageKind::Stream) == 5);
  const auto approved = repo.newest_approved_train_image("NA\\nvep5898");
  REQUIRE(approved);
  CHECK(approved->id == 1);
  const auto loaded = repo.load_train_image(1);
  REQUIRE(loaded);
  REQUIRE(loaded->image);
  CHECK(std::string(loaded->image->begin(), loaded->image->end()) == blob);
  const auto claimed = repo.claim(ImageKind::Stream, 10, 5, "host:1");
  REQUIRE(claimed.size() == 2);
  CHECK(claimed[0].id == 4);
  CHECK(claimed[1].id == 5);
  CHECK(claimed[0].capture_time == "2023-05-01 10:00:00");

  // ...and for the user's own queries (USER-NOTES.md), which are MySQL.
  if (backend.is_mariadb()) {
    long long id = 0;
    sql << "select a.id from train_img a, (select lan_id, max(id) as id from train_img"
           " where lan_id in ('NA\\\\nvep5898','na\\\\rgupta') and status = 'Y' group by lan_id) b where a.id = b.id",
        soci::into(id);
    CHECK(id == 1);
    CHECK(count(backend, "select count(*) from stream_img where status <> 'N' and result <> 'SUCCESS'") == 2);
    CHECK(count(backend,
                "select count(*) from (select lan_id, result, date_format(capture_time,'%Y-%m-%d - %H%p')"
                " as capture, count(*) from stream_img group by lan_id, result, capture) g") == 4);
  }
  CHECK(migrate_database(backend.url()).empty());
  CHECK(count(backend, "SELECT COUNT(*) FROM stream_img") == 5);
}

SQL_BACKEND_TEST("legacy columns spelled in another case count as present", "[migrate][legacy]") {
  auto& sql = backend.raw().sql();
  if (backend.is_mariadb())
    sql << "CREATE TABLE stream_img (ID INT NOT NULL AUTO_INCREMENT PRIMARY KEY, LAN_ID VARCHAR(64),"
           " Capture_Time DATETIME, Image LONGBLOB, Status VARCHAR(1), Result VARCHAR(32), Processed_Time DATETIME,"
           " Num_Faces INT, Attempts INT NOT NULL DEFAULT 0)";
  else
    sql << "CREATE TABLE stream_img (ID INTEGER PRIMARY KEY AUTOINCREMENT, LAN_ID VARCHAR(64), Capture_Time DATETIME,"
           " Image BLOB, Status CHAR(1), Result VARCHAR(32), Processed_Time DATETIME, Num_Faces INT,"
           " Attempts INT NOT NULL DEFAULT 0)";
  sql << "INSERT INTO stream_img (LAN_ID, Capture_Time, Status) VALUES ('a', '2023-01-01 00:00:00', NULL)";
  REQUIRE(migrate_database(backend.url()).size() == static_cast<std::size_t>(latest_schema_version()));
  check_contract_schema(backend);
  CHECK(backend.row(ImageKind::Stream, 1).status == "N");
}
