/// Test backends for the storage tests. The SQL here is test setup and
/// inspection only; production SQL stays in src/storage/.
#include "support/storage_backend.hpp"

#include <soci/soci.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "biosense/storage/db_url.hpp"
#include "biosense/storage/migrations.hpp"
#include "storage/connection.hpp"
#include "support/memory_repository.hpp"
#include "support/test_support.hpp"

namespace biosense::test {
namespace {

const char* table_of(ImageKind kind) { return kind == ImageKind::Stream ? "stream_img" : "train_img"; }

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

class SqliteBackend final : public SqlBackend {
 public:
  SqliteBackend() : SqliteBackend(std::make_unique<TempDir>()) {}
  ~SqliteBackend() override { close_connections(); }  // before the folder is removed

 private:
  explicit SqliteBackend(std::unique_ptr<TempDir> dir)
      : SqlBackend("sqlite:" + (dir->path() / "test.db").string(), false), dir_(std::move(dir)) {}
  std::unique_ptr<TempDir> dir_;
};

/// Creates a uniquely named database on construction and drops it on destruction.
class MariaDbDatabase {
 public:
  MariaDbDatabase(storage::Connection& admin, std::string name) : admin_(admin), name_(std::move(name)) {
    admin_.sql() << fmt::format("CREATE DATABASE `{}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", name_);
  }
  ~MariaDbDatabase() {
    const std::string drop = fmt::format("DROP DATABASE IF EXISTS `{}`", name_);
    try {
      admin_.sql() << drop;
    } catch (const std::exception&) {
      // The outage tests kill connections or restart the server, the admin
      // connection's too: connect again rather than leave the database behind.
      try {
        admin_.sql().reconnect();
        admin_.sql() << drop;
      } catch (const std::exception& e) {
        WARN("could not drop test database " << name_ << ": " << e.what());
      }
    }
  }
  MariaDbDatabase(const MariaDbDatabase&) = delete;
  MariaDbDatabase& operator=(const MariaDbDatabase&) = delete;
  const std::string& name() const { return name_; }

 private:
  storage::Connection& admin_;
  std::string name_;
};

std::string unique_database_name() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return fmt::format("biosense_test_{}_{}_{:08x}", getpid(), counter++, rd());
}

class MariaDbBackend final : public SqlBackend {
 public:
  MariaDbBackend(std::unique_ptr<storage::Connection> admin, const DbUrl& server, const std::string& db)
      : SqlBackend(url_for(server, db), true), admin_(std::move(admin)) {}
  ~MariaDbBackend() override {
    close_connections();  // before the DROP, which would wait on their metadata locks
    database_.reset();
  }
  void adopt(std::unique_ptr<MariaDbDatabase> database) { database_ = std::move(database); }

 private:
  static std::string url_for(const DbUrl& server, const std::string& db) {
    std::string userinfo = server.user;
    if (server.password) userinfo += ":" + *server.password;  // test accounts: no reserved characters
    return fmt::format("mysql://{}@{}:{}/{}", userinfo, server.host, server.port, db);
  }
  std::unique_ptr<storage::Connection> admin_;
  std::unique_ptr<MariaDbDatabase> database_;
};

/// The fake behind the Backend interface.
class MemoryBackend final : public Backend {
 public:
  std::string name() const override { return "memory"; }
  Repository& open() override { return repo_; }
  std::int64_t add_row(ImageKind kind, const std::string& lan_id, Status status, std::optional<Bytes> image) override {
    return repo_.add_row(kind, lan_id, status, std::move(image));
  }
  RowState row(ImageKind kind, std::int64_t id) override {
    const RowView& r = repo_.row(kind, id);
    RowState s;
    s.lan_id = r.lan_id;
    s.status = std::string(1, static_cast<char>(r.status));
    s.result = r.result;
    s.claimed_by = r.claimed_by;
    s.claimed_at = r.claimed_at.has_value();
    s.processed_time = r.processed_time.has_value();
    s.num_faces = r.num_faces;
    s.accuracy = r.accuracy;
    s.distance = r.distance;
    s.benchmark_id = r.benchmark_id;
    s.closest_lan_id = r.closest_lan_id;
    s.closest_distance = r.closest_distance;
    s.attempts = r.attempts;
    return s;
  }
  void age_claim(ImageKind kind, std::int64_t id, std::chrono::seconds age) override { repo_.age_claim(kind, id, age); }
  std::vector<std::string> audit_details(ImageKind kind, std::int64_t id) override {
    std::vector<std::string> details;
    for (const auto& a : repo_.process_status())
      if (a.kind == kind && a.image_id == id) details.push_back(a.detail);
    return details;
  }
  std::size_t audit_count() override { return repo_.process_status().size(); }
  void arm_commit_failure() override { repo_.fail_next_commit(); }

 private:
  MemoryRepository repo_;
};

}  // namespace

SqlBackend::SqlBackend(std::string url, bool mariadb) : url_(std::move(url)), mariadb_(mariadb) {}

SqlBackend::~SqlBackend() = default;

void SqlBackend::close_connections() {
  opened_.clear();
  raw_.reset();
}

void restart_mariadb_server(std::chrono::seconds down_for) {
  const std::string admin = "mariadb-admin -uroot -h127.0.0.1 -P3306 --connect-timeout=2";
  REQUIRE(std::system((admin + " shutdown >/dev/null 2>&1").c_str()) == 0);
  // shutdown returns once the server has stopped; make sure nobody answers.
  CHECK(std::system((admin + " ping >/dev/null 2>&1").c_str()) != 0);
  std::this_thread::sleep_for(down_for);
  const std::string services = std::string(BIOSENSE_SOURCE_DIR) + "/scripts/services.sh";
  REQUIRE(std::system(("bash " + services + " >/dev/null 2>&1").c_str()) == 0);
  REQUIRE(std::system((admin + " ping >/dev/null 2>&1").c_str()) == 0);
}

void SqlBackend::create_legacy_tables() {
  auto& sql = raw().sql();
  if (mariadb_) {
    sql << "CREATE TABLE stream_img (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, lan_id VARCHAR(64),"
           " capture_time DATETIME, image LONGBLOB, status VARCHAR(1), result VARCHAR(32), processed_time DATETIME,"
           " num_faces INT) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci";
    sql << "CREATE TABLE train_img (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, lan_id VARCHAR(64),"
           " capture_time DATETIME, image LONGBLOB, processed_time DATETIME, status VARCHAR(1), result VARCHAR(32))"
           " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci";
  } else {
    sql << "CREATE TABLE stream_img (id INTEGER PRIMARY KEY AUTOINCREMENT, lan_id VARCHAR(64), capture_time DATETIME,"
           " image BLOB, status CHAR(1), result VARCHAR(32), processed_time DATETIME, num_faces INT)";
    sql << "CREATE TABLE train_img (id INTEGER PRIMARY KEY AUTOINCREMENT, lan_id VARCHAR(64), capture_time DATETIME,"
           " image BLOB, processed_time DATETIME, status CHAR(1), result VARCHAR(32))";
  }
}

void SqlBackend::kill_other_connections() {
  REQUIRE(mariadb_);
  auto& sql = raw().sql();
  std::vector<long long> ids(64);
  sql << "SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()",
      soci::into(ids);
  for (long long id : ids) sql << "KILL CONNECTION " + std::to_string(id);
}

storage::Connection& SqlBackend::raw() {
  if (!raw_) raw_ = std::make_unique<storage::Connection>(parse_db_url(url_));
  return *raw_;
}

void SqlBackend::migrate() { migrate_database(url_); }

Repository& SqlBackend::open() {
  opened_.push_back(open_repository(url_));
  return *opened_.back();
}

std::int64_t SqlBackend::add_row(ImageKind kind, const std::string& lan_id, Status status, std::optional<Bytes> image) {
  auto& sql = raw().sql();
  const std::string status_text(1, static_cast<char>(status));
  std::string blob;
  soci::indicator image_ind = soci::i_null;
  if (image) {
    blob.assign(reinterpret_cast<const char*>(image->data()), image->size());
    image_ind = soci::i_ok;
  }
  const std::string param = mariadb_ ? ":image" : "CAST(:image AS BLOB)";
  sql << fmt::format(
      "INSERT INTO {} (lan_id, capture_time, image, status) VALUES (:lan_id, "
      "'2024-01-01 00:00:00', {}, :status)",
      table_of(kind), param),
      soci::use(lan_id), soci::use(blob, image_ind), soci::use(status_text);
  long long id = 0;
  REQUIRE(sql.get_last_insert_id(table_of(kind), id));
  return id;
}

RowState SqlBackend::row(ImageKind kind, std::int64_t id) {
  auto& sql = raw().sql();
  RowState s;
  std::string status, result, claimed_by;
  int num_faces = 0, attempts = 0;
  long long row_id = id, claimed_at_set = 0, processed_set = 0;
  soci::indicator status_ind, result_ind, claimed_by_ind, num_faces_ind, attempts_ind;
  sql << fmt::format(
      "SELECT lan_id, status, result, claimed_by, CASE WHEN claimed_at IS NULL THEN 0 ELSE 1 END, "
      "CASE WHEN processed_time IS NULL THEN 0 ELSE 1 END, num_faces, attempts FROM {} WHERE id = :id",
      table_of(kind)),
      soci::into(s.lan_id), soci::into(status, status_ind), soci::into(result, result_ind),
      soci::into(claimed_by, claimed_by_ind), soci::into(claimed_at_set), soci::into(processed_set),
      soci::into(num_faces, num_faces_ind), soci::into(attempts, attempts_ind), soci::use(row_id);
  REQUIRE(sql.got_data());
  if (status_ind == soci::i_ok) s.status = status;
  if (result_ind == soci::i_ok) s.result = result;
  if (claimed_by_ind == soci::i_ok) s.claimed_by = claimed_by;
  s.claimed_at = claimed_at_set != 0;
  s.processed_time = processed_set != 0;
  if (num_faces_ind == soci::i_ok) s.num_faces = num_faces;
  s.attempts = attempts_ind == soci::i_ok ? attempts : 0;
  if (kind == ImageKind::Stream) {
    double accuracy = 0, distance = 0, closest_distance = 0;
    long long benchmark = 0;
    std::string closest_lan_id;
    soci::indicator a_ind, d_ind, b_ind, cl_ind, cd_ind;
    sql << "SELECT accuracy, distance, benchmark_id, closest_lan_id, closest_distance FROM stream_img WHERE id = :id",
        soci::into(accuracy, a_ind), soci::into(distance, d_ind), soci::into(benchmark, b_ind),
        soci::into(closest_lan_id, cl_ind), soci::into(closest_distance, cd_ind), soci::use(row_id);
    if (a_ind == soci::i_ok) s.accuracy = accuracy;
    if (d_ind == soci::i_ok) s.distance = distance;
    if (b_ind == soci::i_ok) s.benchmark_id = benchmark;
    if (cl_ind == soci::i_ok) s.closest_lan_id = closest_lan_id;
    if (cd_ind == soci::i_ok) s.closest_distance = closest_distance;
  }
  return s;
}

void SqlBackend::age_claim(ImageKind kind, std::int64_t id, std::chrono::seconds age) {
  long long seconds = age.count(), row_id = id;
  const std::string past = mariadb_ ? "NOW() - INTERVAL :age SECOND" : "datetime('now', '-' || :age || ' seconds')";
  raw().sql() << fmt::format("UPDATE {} SET claimed_at = {} WHERE id = :id", table_of(kind), past), soci::use(seconds),
      soci::use(row_id);
}

std::vector<std::string> SqlBackend::audit_details(ImageKind kind, std::int64_t id) {
  std::vector<std::string> details;
  std::string detail, kind_name(image_kind_name(kind));
  long long row_id = id;
  soci::statement st = (raw().sql().prepare << "SELECT detail FROM process_status WHERE image_kind = :kind AND "
                                               "image_id = :id ORDER BY id",
                        soci::into(detail), soci::use(kind_name), soci::use(row_id));
  st.execute();
  while (st.fetch()) details.push_back(detail);
  return details;
}

std::size_t SqlBackend::audit_count() {
  long long count = 0;
  raw().sql() << "SELECT COUNT(*) FROM process_status", soci::into(count);
  return static_cast<std::size_t>(count);
}

void SqlBackend::arm_commit_failure() {
  if (mariadb_)
    raw().sql() << "CREATE TRIGGER fail_boom BEFORE INSERT ON process_status FOR EACH ROW BEGIN IF NEW.detail = "
                   "'boom' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'boom'; END IF; END";
  else
    raw().sql() << "CREATE TRIGGER fail_boom BEFORE INSERT ON process_status WHEN NEW.detail = 'boom' BEGIN "
                   "SELECT RAISE(ABORT, 'boom'); END";
}

std::unique_ptr<SqlBackend> make_sqlite_backend() { return std::make_unique<SqliteBackend>(); }

std::unique_ptr<SqlBackend> make_mariadb_backend() {
  const std::string admin_url = env_or("BIOSENSE_TEST_MARIADB_URL", "mysql://root@127.0.0.1:3306/mysql");
  const DbUrl server = parse_db_url(admin_url);
  std::unique_ptr<storage::Connection> admin;
  try {
    admin = std::make_unique<storage::Connection>(server);
  } catch (const StorageError& e) {
    if (env_or("BIOSENSE_SKIP_MARIADB", "") == "1") {
      WARN("MariaDB test skipped (BIOSENSE_SKIP_MARIADB=1): " << e.what());
      return nullptr;
    }
    FAIL("MariaDB is unreachable: " << e.what()
                                    << "\nStart it (start-stop-daemon --start --oknodo --background --exec "
                                       "/usr/sbin/mariadbd) or set BIOSENSE_SKIP_MARIADB=1 to skip.");
  }
  const std::string db = unique_database_name();
  auto database = std::make_unique<MariaDbDatabase>(*admin, db);
  auto backend = std::make_unique<MariaDbBackend>(std::move(admin), server, db);
  backend->adopt(std::move(database));
  return backend;
}

std::unique_ptr<Backend> make_memory_backend() { return std::make_unique<MemoryBackend>(); }

std::vector<std::string> hostile_lan_ids() {
  return {
      "NA\\nvep5898",                                    // the real shape: domain, backslash, user
      "NA\nvep5898",                                     // a real newline: must not collide with the above
      "na\\NVEP5898",                                    // case differs: a different agent, byte for byte
      "O'Brien \"the agent\"",                           // quotes
      "'; DROP TABLE stream_img; --",                    // injection attempt
      "\xC3\xA9\xC3\xA8 \xE6\x9D\x8E \xF0\x9F\x98\x80",  // é è 李 😀 (4-byte UTF-8)
      "back\\\\slashes\\ and %_ wildcards",
      "../../etc/passwd",
  };
}

}  // namespace biosense::test
