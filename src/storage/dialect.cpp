/// The SQLite and MariaDB variants of the statements that differ.
#include "dialect.hpp"

namespace biosense::storage {
namespace {

DialectSql make_sqlite() {
  DialectSql d;
  d.begin_write = "BEGIN IMMEDIATE";
  d.claim_lock = "";
  d.claim_expired = "claimed_at < datetime('now', '-' || :lease || ' seconds')";
  d.upsert_encoding =
      " ON CONFLICT (train_img_id, model_version) DO UPDATE SET encoding = excluded.encoding,"
      " box_left = excluded.box_left, box_top = excluded.box_top, box_right = excluded.box_right,"
      " box_bottom = excluded.box_bottom, quality = excluded.quality, mirror_gap = excluded.mirror_gap,"
      " created_at = CURRENT_TIMESTAMP";
  d.create_schema_version =
      "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL,"
      " applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)";
  d.count_tables = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = :table";
  // Column names are case-insensitive in SQLite: "Status" already is "status".
  d.count_columns = "SELECT COUNT(*) FROM pragma_table_info(:table) WHERE lower(name) = lower(:column)";
  // 30 s: a writer waits out another process's transaction instead of failing
  // with SQLITE_BUSY. WAL: readers (peek, dashboards) never block the writer.
  d.session_setup = {"PRAGMA busy_timeout = 30000", "PRAGMA journal_mode = WAL"};
  d.migrate_lock = "";
  d.migrate_unlock = "";
  d.transactional_ddl = true;
  d.emulate_add_column_if_not_exists = true;
  d.cast_blob_params = true;
  return d;
}

DialectSql make_mysql() {
  DialectSql d;
  d.begin_write = "START TRANSACTION";
  d.claim_lock = " FOR UPDATE SKIP LOCKED";
  d.claim_expired = "claimed_at < NOW() - INTERVAL :lease SECOND";
  d.upsert_encoding =
      " ON DUPLICATE KEY UPDATE encoding = VALUES(encoding), box_left = VALUES(box_left),"
      " box_top = VALUES(box_top), box_right = VALUES(box_right), box_bottom = VALUES(box_bottom),"
      " quality = VALUES(quality), mirror_gap = VALUES(mirror_gap), created_at = CURRENT_TIMESTAMP";
  d.create_schema_version =
      "CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL PRIMARY KEY, name VARCHAR(100) NOT NULL,"
      " applied_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
  d.count_tables =
      "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = :table";
  d.count_columns =
      "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE()"
      " AND table_name = :table AND column_name = :column";
  // READ COMMITTED: the claim's locking SELECT takes no gap locks, so the
  // capture client's INSERTs never wait behind a claim.
  d.session_setup = {"SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"};
  d.migrate_lock = "SELECT GET_LOCK(CONCAT('biosense_migrate.', DATABASE()), 300)";
  d.migrate_unlock = "SELECT RELEASE_LOCK(CONCAT('biosense_migrate.', DATABASE()))";
  d.transactional_ddl = false;
  d.emulate_add_column_if_not_exists = false;
  d.cast_blob_params = false;
  return d;
}

}  // namespace

std::string DialectSql::blob_param(std::string_view name) const {
  std::string param = ":" + std::string(name);
  return cast_blob_params ? "CAST(" + param + " AS BLOB)" : param;
}

const DialectSql& dialect_sql(Dialect dialect) {
  static const DialectSql sqlite = make_sqlite();  // immutable after first use
  static const DialectSql mysql = make_mysql();
  return dialect == Dialect::Sqlite ? sqlite : mysql;
}

}  // namespace biosense::storage
