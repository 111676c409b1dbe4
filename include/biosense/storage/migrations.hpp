#pragma once
/// Schema migrations (DESIGN.md): numbered files sql/<dialect>/NNN_name.sql,
/// compiled into the binary, applied in order by `biosense db migrate` and
/// recorded in schema_version(version, name, applied_at).
///
/// Upgrading a legacy database: 001 creates tables only when missing and 002
/// adds only missing columns (MariaDB: ADD COLUMN IF NOT EXISTS; SQLite: the
/// runner skips "ALTER TABLE t ADD COLUMN c ..." when c exists). Rows are
/// never deleted; only NULL statuses become 'N'.
#include <optional>
#include <string>
#include <vector>

namespace biosense {

struct MigrationState {
  int version = 0;
  std::string name;
  std::optional<std::string> applied_at;  ///< database clock; nullopt while pending
  bool known = true;                      ///< false: recorded by a newer biosense, not carried by this binary
  bool applied() const { return applied_at.has_value(); }
};

/// The newest schema version this binary carries.
int latest_schema_version();

/// Every migration this binary carries (applied or pending) plus any recorded
/// one it does not know, by version. Writes nothing. Throws UsageError for a
/// malformed URL, StorageError when the database fails.
std::vector<MigrationState> migration_status(const std::string& url);

/// Applies the pending migrations in order and returns those applied by this
/// call (empty when the schema was up to date: running it twice is a no-op).
/// SQLite applies each migration in one transaction; MariaDB commits DDL
/// implicitly, so its migrations consist of statements safe to re-run, and
/// one interrupted halfway is re-run whole. Concurrent runs are serialised.
std::vector<MigrationState> migrate_database(const std::string& url);

}  // namespace biosense
