#pragma once
/// Everything that differs between SQLite and MariaDB, in one place. The rest
/// of src/storage/ writes SQL both accept and asks this table for the parts
/// that differ.
#include <string>
#include <string_view>
#include <vector>

#include "biosense/storage/db_url.hpp"

namespace biosense::storage {

using Dialect = DbBackend;

struct DialectSql {
  /// Opens a write transaction. SQLite's BEGIN IMMEDIATE takes the write lock
  /// at once: two writers queue on busy_timeout instead of failing when both
  /// try to upgrade a read lock.
  std::string_view begin_write;
  /// Appended to the claim's SELECT. MariaDB locks the rows it picks and skips
  /// rows another claimer has locked; SQLite's write lock already serialises.
  std::string_view claim_lock;
  /// A condition true for a claim older than :lease seconds (database clock).
  std::string_view claim_expired;
  /// Ends "INSERT INTO face_encoding (...) VALUES (...)" as an upsert.
  std::string_view upsert_encoding;
  /// Creates schema_version when missing.
  std::string_view create_schema_version;
  /// COUNT(*) of tables named :table in the connected database.
  std::string_view count_tables;
  /// COUNT(*) of columns named :column in table :table.
  std::string_view count_columns;
  /// Run once per new connection.
  std::vector<std::string_view> session_setup;
  /// Serialise concurrent `db migrate` runs (MariaDB: a named lock; SQLite:
  /// empty, BEGIN IMMEDIATE does it). Each is a SELECT returning one value.
  std::string_view migrate_lock;
  std::string_view migrate_unlock;
  /// Whether DDL can be rolled back: SQLite yes; MariaDB commits DDL implicitly.
  bool transactional_ddl = false;
  /// SQLite has no ADD COLUMN IF NOT EXISTS: the migration runner checks the
  /// column first (see migrate.cpp).
  bool emulate_add_column_if_not_exists = false;
  /// Whether blob_param() wraps the placeholder in CAST(... AS BLOB).
  bool cast_blob_params = false;

  /// How a binary value bound as std::string is written into a BLOB column.
  /// SQLite binds a std::string as TEXT (length() would stop at the first NUL
  /// byte and other tools would see text), so the value is CAST to BLOB, which
  /// keeps every byte and an empty value stays an empty BLOB. MariaDB's SOCI
  /// backend escapes the bytes with mysql_real_escape_string (NUL-safe).
  std::string blob_param(std::string_view name) const;
};

const DialectSql& dialect_sql(Dialect dialect);

}  // namespace biosense::storage
