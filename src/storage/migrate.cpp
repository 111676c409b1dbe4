/// The migration runner: applies sql/<dialect>/NNN_name.sql (embedded) in
/// order and records each in schema_version.
///
/// Legacy databases: the user's stream_img/train_img exist, full of rows, with
/// only some of the columns. 001 creates tables only when missing; 002 adds
/// columns. MariaDB says ADD COLUMN IF NOT EXISTS itself. SQLite cannot, so
/// for SQLite this runner treats every statement of the form
/// "ALTER TABLE <t> ADD COLUMN <c> ..." as conditional: it asks
/// pragma_table_info(<t>) first and skips the statement when <c> exists. The
/// check and the ALTER run in the migration's transaction (BEGIN IMMEDIATE),
/// so no other writer can interleave.
#include <soci/soci.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include <fmt/format.h>

#include "biosense/storage/migrations.hpp"
#include "connection.hpp"
#include "embedded_migrations.hpp"
#include "sql_script.hpp"

namespace biosense {
namespace {

using storage::Connection;
using storage::EmbeddedMigration;

/// Longest statement prefix quoted in an error (statements hold no secrets).
constexpr std::size_t kQuotedStatementLength = 120;

std::string label(const EmbeddedMigration& m) { return fmt::format("{:03}_{}", m.version, m.name); }

/// Version -> (name, applied_at) as recorded; empty when schema_version is missing.
std::map<int, std::pair<std::string, std::string>> recorded_migrations(Connection& conn) {
  std::map<int, std::pair<std::string, std::string>> recorded;
  if (!conn.table_exists("schema_version")) return recorded;
  int version = 0;
  std::string name, applied_at;
  soci::indicator applied_ind = soci::i_ok;
  soci::statement st = (conn.sql().prepare << "SELECT version, name, applied_at FROM schema_version ORDER BY version",
                        soci::into(version), soci::into(name), soci::into(applied_at, applied_ind));
  st.execute();
  while (st.fetch()) recorded[version] = {name, applied_ind == soci::i_ok ? applied_at : std::string("?")};
  return recorded;
}

bool is_recorded(Connection& conn, int version) {
  long long count = 0;
  conn.sql() << "SELECT COUNT(*) FROM schema_version WHERE version = :version", soci::use(version), soci::into(count);
  return count > 0;
}

void run_statement(Connection& conn, const EmbeddedMigration& m, const std::string& statement) {
  if (conn.dialect_sql().emulate_add_column_if_not_exists) {
    if (const auto add = storage::parse_add_column(statement); add && conn.column_exists(add->table, add->column))
      return;  // the legacy table already has it
  }
  try {
    conn.sql() << statement;
  } catch (const std::exception& e) {
    const std::string quoted = statement.substr(0, kQuotedStatementLength);
    throw conn.error(fmt::format("migration {} at \"{}{}\"", label(m), quoted,
                                 statement.size() > kQuotedStatementLength ? "..." : ""),
                     e);
  }
}

/// Applies one migration; false if another migrator recorded it meanwhile.
bool apply(Connection& conn, const EmbeddedMigration& m) {
  const auto statements = storage::split_sql_script(m.sql);
  const auto record = [&] {
    const std::string name(m.name);
    conn.sql() << "INSERT INTO schema_version (version, name, applied_at) VALUES (:version, :name, CURRENT_TIMESTAMP)",
        soci::use(m.version), soci::use(name);
  };
  if (conn.dialect_sql().transactional_ddl) {
    storage::WriteTransaction tx(conn);
    if (is_recorded(conn, m.version)) return false;
    for (const auto& statement : statements) run_statement(conn, m, statement);
    record();
    tx.commit();
    return true;
  }
  // MariaDB: the named lock taken in migrate_database() keeps other
  // migrators out; each DDL statement commits on its own.
  if (is_recorded(conn, m.version)) return false;
  for (const auto& statement : statements) run_statement(conn, m, statement);
  record();
  return true;
}

/// MariaDB >= 10.6 is required (DESIGN.md): ADD COLUMN IF NOT EXISTS, CREATE
/// INDEX IF NOT EXISTS and SKIP LOCKED. MySQL lacks the first two; say so
/// before a migration fails halfway with a syntax error.
void check_server_version(Connection& conn) {
  if (conn.dialect() != storage::Dialect::MySql) return;
  std::string version;
  conn.sql() << "SELECT VERSION()", soci::into(version);
  int major = 0, minor = 0;
  const bool parsed = std::sscanf(version.c_str(), "%d.%d", &major, &minor) == 2;
  const bool mariadb = version.find("MariaDB") != std::string::npos;
  if (!parsed || !mariadb || major < 10 || (major == 10 && minor < 6))
    throw conn.error(
        "migrate", std::runtime_error(fmt::format("the server is {}; biosense needs MariaDB 10.6 or newer", version)));
}

/// Holds the dialect's migration lock (if any) for the lifetime of the object.
class MigrateLock {
 public:
  explicit MigrateLock(Connection& conn) : conn_(conn) {
    const auto& sql = conn_.dialect_sql().migrate_lock;
    if (sql.empty()) return;
    int got = 0;
    soci::indicator ind = soci::i_ok;
    conn_.sql() << std::string(sql), soci::into(got, ind);
    if (ind != soci::i_ok || got != 1)
      throw conn_.error("migrate", std::runtime_error("another `biosense db migrate` holds the migration lock"));
    held_ = true;
  }
  ~MigrateLock() {
    if (!held_) return;
    try {
      int released = 0;
      soci::indicator ind = soci::i_ok;
      conn_.sql() << std::string(conn_.dialect_sql().migrate_unlock), soci::into(released, ind);
    } catch (const std::exception&) {
      // The server releases a named lock when the connection closes anyway.
    }
  }
  MigrateLock(const MigrateLock&) = delete;
  MigrateLock& operator=(const MigrateLock&) = delete;

 private:
  Connection& conn_;
  bool held_ = false;
};

}  // namespace

int latest_schema_version() { return storage::embedded_migrations(storage::Dialect::Sqlite).back().version; }

std::vector<MigrationState> migration_status(const std::string& url) {
  Connection conn(parse_db_url(url));
  return conn.guarded("read migration status", [&] {
    auto recorded = recorded_migrations(conn);
    std::vector<MigrationState> states;
    for (const auto& m : storage::embedded_migrations(conn.dialect())) {
      MigrationState state{m.version, std::string(m.name), std::nullopt, true};
      if (const auto it = recorded.find(m.version); it != recorded.end()) {
        state.applied_at = it->second.second;
        recorded.erase(it);
      }
      states.push_back(state);
    }
    for (const auto& [version, row] : recorded) states.push_back({version, row.first, row.second, false});
    std::sort(states.begin(), states.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
    return states;
  });
}

std::vector<MigrationState> migrate_database(const std::string& url) {
  Connection conn(parse_db_url(url));
  std::vector<MigrationState> applied;
  conn.guarded("migrate", [&] {
    check_server_version(conn);
    MigrateLock lock(conn);
    conn.sql() << std::string(conn.dialect_sql().create_schema_version);
    for (const auto& m : storage::embedded_migrations(conn.dialect())) {
      if (apply(conn, m)) applied.push_back({m.version, std::string(m.name), std::string("now"), true});
    }
  });
  // Report the database's own timestamps for what was just applied.
  if (!applied.empty()) {
    const auto recorded = conn.guarded("read migration status", [&] { return recorded_migrations(conn); });
    for (auto& state : applied)
      if (const auto it = recorded.find(state.version); it != recorded.end()) state.applied_at = it->second.second;
  }
  return applied;
}

}  // namespace biosense
