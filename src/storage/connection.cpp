/// Opening SOCI sessions for both dialects and translating their errors.
#include "connection.hpp"

#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <fmt/format.h>

#include "biosense/storage/migrations.hpp"

namespace biosense::storage {
namespace {

/// Seconds libmariadb waits for the TCP connection: a dead host fails fast.
constexpr int kConnectTimeoutSeconds = 10;

/// A value for SOCI's MySQL connect string: single-quoted, with backslash
/// escaping the backslash and the quote (SOCI's parser rules).
std::string quote_connect_value(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string mysql_connect_string(const DbUrl& url) {
  std::string s =
      fmt::format("host={} port={} user={} db={} charset=utf8mb4 connect_timeout={}", quote_connect_value(url.host),
                  url.port, quote_connect_value(url.user), quote_connect_value(url.database), kConnectTimeoutSeconds);
  if (url.password) s += " password=" + quote_connect_value(*url.password);
  return s;
}

std::string scrub(std::string message, const std::string& secret) {
  if (secret.empty()) return message;
  for (std::size_t pos = message.find(secret); pos != std::string::npos; pos = message.find(secret, pos + 3))
    message.replace(pos, secret.size(), "***");
  return message;
}

std::string message_of(const std::exception& e) {
  if (const auto* soci_error = dynamic_cast<const soci::soci_error*>(&e)) return soci_error->get_error_message();
  return e.what();
}

}  // namespace

Connection::Connection(const DbUrl& url)
    : dialect_(url.backend), redacted_url_(url.redacted()), password_(url.password.value_or("")) {
  guarded("connect", [&] {
    if (url.backend == DbBackend::Sqlite) {
      // SOCI reads a connect string without '=' as the bare file name; with
      // '=' it would parse "key=value" pairs and misread the path.
      if (url.path.find('=') != std::string::npos)
        throw UsageError(fmt::format("SQLite path '{}' contains '=', which is not supported", url.path));
      session_ = std::make_unique<soci::session>(soci::sqlite3, url.path);
    } else {
      session_ = std::make_unique<soci::session>(soci::mysql, mysql_connect_string(url));
    }
    for (std::string_view statement : dialect_sql().session_setup) {
      std::string ignored;
      soci::indicator ind = soci::i_ok;
      soci::statement st = (session_->prepare << std::string(statement), soci::into(ignored, ind));
      st.execute(true);
    }
  });
}

Connection::~Connection() = default;

StorageError Connection::error(std::string_view operation, const std::exception& cause) const {
  return StorageError(
      scrub(fmt::format("database {}: {} failed: {}", redacted_url_, operation, message_of(cause)), password_));
}

bool Connection::is_transient(const std::exception& e) {
  constexpr unsigned kLockWaitTimeout = 1205, kDeadlock = 1213;  // ER_LOCK_WAIT_TIMEOUT, ER_LOCK_DEADLOCK
  const auto* mysql_error = dynamic_cast<const soci::mysql_soci_error*>(&e);
  return mysql_error != nullptr && (mysql_error->err_num_ == kLockWaitTimeout || mysql_error->err_num_ == kDeadlock);
}

int Connection::schema_version() {
  return guarded("read schema_version", [&] {
    if (!table_exists("schema_version")) return 0;
    int version = 0;
    soci::indicator ind = soci::i_ok;
    *session_ << "SELECT MAX(version) FROM schema_version", soci::into(version, ind);
    return ind == soci::i_ok ? version : 0;
  });
}

bool Connection::table_exists(const std::string& table) {
  long long count = 0;
  *session_ << std::string(dialect_sql().count_tables), soci::use(table), soci::into(count);
  return count > 0;
}

bool Connection::column_exists(const std::string& table, const std::string& column) {
  long long count = 0;
  *session_ << std::string(dialect_sql().count_columns), soci::use(table), soci::use(column), soci::into(count);
  return count > 0;
}

std::unique_ptr<Connection> open_current_schema(const std::string& url) {
  const DbUrl parsed = parse_db_url(url);
  auto connection = std::make_unique<Connection>(parsed);
  const int have = connection->schema_version();
  const int need = latest_schema_version();
  if (have < need)
    throw StorageError(
        fmt::format("database {} is at schema version {} but this biosense needs {}: run `biosense db migrate`",
                    parsed.redacted(), have, need));
  return connection;
}

WriteTransaction::WriteTransaction(Connection& connection) : connection_(connection) {
  connection_.sql() << std::string(connection_.dialect_sql().begin_write);
}

WriteTransaction::~WriteTransaction() {
  if (!open_) return;
  try {
    connection_.sql() << "ROLLBACK";
  } catch (const std::exception&) {
    // Already failing; a lost connection discards the transaction anyway.
  }
}

void WriteTransaction::commit() {
  connection_.sql() << "COMMIT";
  open_ = false;
}

}  // namespace biosense::storage
