#pragma once
/// Runs one storage test body against several backends: a fresh SQLite file,
/// a freshly created MariaDB database (dropped afterwards), and the in-memory
/// fake. Tests inspect and arrange rows through Backend, so one body checks
/// that all of them behave alike.
///
/// MariaDB: $BIOSENSE_TEST_MARIADB_URL (default mysql://root@127.0.0.1:3306/mysql)
/// names a server and an account allowed to CREATE/DROP DATABASE. An
/// unreachable server fails the [mariadb] tests, unless BIOSENSE_SKIP_MARIADB=1.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "biosense/storage/repository.hpp"

namespace biosense::storage {
class Connection;
}

namespace biosense::test {

/// An image row as the storage tests see it, whatever the backend.
struct RowState {
  std::string lan_id;
  std::string status;  ///< "N", "P", "Y", "F"; empty for NULL
  std::optional<std::string> result;
  std::optional<std::string> claimed_by;
  bool claimed_at = false;      ///< claimed_at is set
  bool processed_time = false;  ///< processed_time is set
  std::optional<int> num_faces;
  std::optional<double> accuracy;  ///< stream only
  std::optional<double> distance;  ///< stream only
  std::optional<std::int64_t> benchmark_id;
  std::optional<std::string> closest_lan_id;  ///< stream only
  std::optional<double> closest_distance;     ///< stream only
  int attempts = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  /// A Repository on the test database, owned by the backend. SQL backends
  /// open a new connection each call; the fake returns its one instance.
  virtual Repository& open() = 0;
  /// Arranges a row in any state, as the capture client or a past pass would:
  /// capture_time 2024-01-01 00:00:00; a P row has no claimed_by/claimed_at.
  virtual std::int64_t add_row(ImageKind kind, const std::string& lan_id, Status status,
                               std::optional<Bytes> image = Bytes{}) = 0;
  virtual RowState row(ImageKind kind, std::int64_t id) = 0;
  /// Makes the current claim on the row `age` old.
  virtual void age_claim(ImageKind kind, std::int64_t id, std::chrono::seconds age) = 0;
  /// process_status details for one image, in insertion order.
  virtual std::vector<std::string> audit_details(ImageKind kind, std::int64_t id) = 0;
  virtual std::size_t audit_count() = 0;
  /// Arms a failure inside the next commit_decisions: SQL backends fail the
  /// process_status INSERT of a decision whose detail is "boom" (so the
  /// failure strikes midway, after earlier UPDATEs ran); the fake fails the
  /// whole call up front.
  virtual void arm_commit_failure() = 0;
};

/// A real database: SQLite file or MariaDB database, created empty.
class SqlBackend : public Backend {
 public:
  ~SqlBackend() override;
  const std::string& url() const { return url_; }
  bool is_mariadb() const { return mariadb_; }
  /// A raw connection for setup SQL that no production code runs (legacy
  /// schemas, triggers, direct checks).
  storage::Connection& raw();
  void migrate();
  /// MariaDB only: KILLs every other connection to this test database, as a
  /// server restart would cut them (the "database lost mid-pass" tests).
  void kill_other_connections();
  /// Creates the user's legacy stream_img/train_img (only the columns their
  /// queries use, typical legacy types; docs/storage.md), unmigrated.
  void create_legacy_tables();
  /// Drops this backend's own connections (after a server restart); the next
  /// use opens new ones.
  void reconnect() { close_connections(); }

  std::string name() const override { return mariadb_ ? "mariadb" : "sqlite"; }
  Repository& open() override;
  std::int64_t add_row(ImageKind kind, const std::string& lan_id, Status status,
                       std::optional<Bytes> image = Bytes{}) override;
  RowState row(ImageKind kind, std::int64_t id) override;
  void age_claim(ImageKind kind, std::int64_t id, std::chrono::seconds age) override;
  std::vector<std::string> audit_details(ImageKind kind, std::int64_t id) override;
  std::size_t audit_count() override;
  void arm_commit_failure() override;

 protected:
  SqlBackend(std::string url, bool mariadb);
  /// Closes every connection this backend opened (before the database goes).
  void close_connections();

 private:
  std::string url_;
  bool mariadb_;
  std::unique_ptr<storage::Connection> raw_;
  std::vector<std::unique_ptr<Repository>> opened_;
};

/// A fresh SQLite file in a temp folder, not migrated.
std::unique_ptr<SqlBackend> make_sqlite_backend();
/// A fresh MariaDB database, not migrated; dropped by the destructor.
/// nullptr (with a warning) only when unreachable and BIOSENSE_SKIP_MARIADB=1.
std::unique_ptr<SqlBackend> make_mariadb_backend();
/// Really restarts the MariaDB server on 127.0.0.1:3306: `mariadb-admin
/// shutdown`, `down_for` with no server, then scripts/services.sh starts it
/// again. REQUIREs each step; every open connection to the server dies.
void restart_mariadb_server(std::chrono::seconds down_for);
/// The in-memory fake.
std::unique_ptr<Backend> make_memory_backend();

/// The hostile lan_ids every backend must store and return verbatim.
std::vector<std::string> hostile_lan_ids();

}  // namespace biosense::test

#define BIOSENSE_STORAGE_CAT2(a, b) a##b
#define BIOSENSE_STORAGE_CAT(a, b) BIOSENSE_STORAGE_CAT2(a, b)

/// Defines `static void body(SqlBackend& backend)` and registers it as two
/// test cases: "<name> (sqlite)" tagged [storage][sqlite] and
/// "<name> (mariadb)" tagged [storage][mariadb]. The database starts empty.
#define SQL_BACKEND_TEST(name, tags) \
  SQL_BACKEND_TEST_IMPL(BIOSENSE_STORAGE_CAT(biosense_sql_backend_test_, __LINE__), name, tags)
#define SQL_BACKEND_TEST_IMPL(fn, name, tags)               \
  static void fn(::biosense::test::SqlBackend& backend);    \
  TEST_CASE(name " (sqlite)", "[storage][sqlite]" tags) {   \
    auto b = ::biosense::test::make_sqlite_backend();       \
    fn(*b);                                                 \
  }                                                         \
  TEST_CASE(name " (mariadb)", "[storage][mariadb]" tags) { \
    auto b = ::biosense::test::make_mariadb_backend();      \
    if (b) fn(*b);                                          \
  }                                                         \
  static void fn(::biosense::test::SqlBackend& backend)

/// Defines `static void body(Backend& backend)` and registers it three times:
/// SQLite, MariaDB (both migrated first) and the in-memory fake ([memory]).
#define REPOSITORY_TEST(name, tags) \
  REPOSITORY_TEST_IMPL(BIOSENSE_STORAGE_CAT(biosense_repository_test_, __LINE__), name, tags)
#define REPOSITORY_TEST_IMPL(fn, name, tags)                \
  static void fn(::biosense::test::Backend& backend);       \
  TEST_CASE(name " (sqlite)", "[storage][sqlite]" tags) {   \
    auto b = ::biosense::test::make_sqlite_backend();       \
    b->migrate();                                           \
    fn(*b);                                                 \
  }                                                         \
  TEST_CASE(name " (mariadb)", "[storage][mariadb]" tags) { \
    auto b = ::biosense::test::make_mariadb_backend();      \
    if (!b) return;                                         \
    b->migrate();                                           \
    fn(*b);                                                 \
  }                                                         \
  TEST_CASE(name " (memory)", "[storage][memory]" tags) {   \
    auto b = ::biosense::test::make_memory_backend();       \
    fn(*b);                                                 \
  }                                                         \
  static void fn(::biosense::test::Backend& backend)
