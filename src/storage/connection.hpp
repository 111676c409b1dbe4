#pragma once
/// One SOCI session with the dialect's settings applied, plus the two things
/// every storage operation needs: turning any failure into a StorageError that
/// never shows the password, and an RAII write transaction.
#include <memory>
#include <string>
#include <string_view>

#include "biosense/cli/errors.hpp"
#include "biosense/storage/db_url.hpp"
#include "biosense/storage/repository.hpp"
#include "dialect.hpp"

namespace soci {
class session;
}

namespace biosense::storage {

class Connection {
 public:
  /// Connects to `url` and runs the dialect's session setup. Throws
  /// StorageError (message without the password) when that fails.
  explicit Connection(const DbUrl& url);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  soci::session& sql() { return *session_; }
  Dialect dialect() const { return dialect_; }
  const DialectSql& dialect_sql() const { return storage::dialect_sql(dialect_); }
  const std::string& redacted_url() const { return redacted_url_; }

  /// A StorageError naming the database and `operation`, carrying the
  /// backend's message (SOCI's, without the bound values it may append) with
  /// any occurrence of the password replaced.
  StorageError error(std::string_view operation, const std::exception& cause) const;

  /// Runs `body`, turning any exception except StorageError and UsageError
  /// into error().
  template <class F>
  decltype(auto) guarded(std::string_view operation, F&& body) {
    try {
      return body();
    } catch (const StorageError&) {
      throw;
    } catch (const UsageError&) {
      throw;
    } catch (const std::exception& e) {
      throw error(operation, e);
    }
  }

  /// Runs `body`, which opens and commits its own WriteTransaction, up to
  /// kTransactionAttempts times while MariaDB picks it as a deadlock victim
  /// or times out one of its lock waits. The failed run's transaction was
  /// rolled back as the exception left `body`, so running it again is safe;
  /// `body` must rebuild any result it returns from scratch.
  template <class F>
  decltype(auto) retrying(F&& body) {
    for (int attempt = 1;; ++attempt) {
      try {
        return body();
      } catch (const std::exception& e) {
        if (attempt >= kTransactionAttempts || !is_transient(e)) throw;
      }
    }
  }

  /// The schema version recorded in schema_version (0 when the table is missing).
  int schema_version();
  bool table_exists(const std::string& table);
  bool column_exists(const std::string& table, const std::string& column);

 private:
  static constexpr int kTransactionAttempts = 3;
  /// A MariaDB deadlock (1213) or lock wait timeout (1205).
  static bool is_transient(const std::exception& e);

  std::unique_ptr<soci::session> session_;
  Dialect dialect_;
  std::string redacted_url_;
  std::string password_;  ///< only to scrub it from error messages
};

/// Opens `url` for a store of this binary: refuses (StorageError, naming the
/// versions and `biosense db migrate`) a schema older than the newest embedded
/// migration, instead of an obscure "no such column" in the middle of a pass.
std::unique_ptr<Connection> open_current_schema(const std::string& url);

/// A write transaction (dialect begin_write) rolled back on destruction unless
/// commit() was called. A rollback that fails (connection lost) is ignored:
/// the server discards the uncommitted work when the connection closes.
class WriteTransaction {
 public:
  explicit WriteTransaction(Connection& connection);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  void commit();

 private:
  Connection& connection_;
  bool open_ = true;
};

}  // namespace biosense::storage
