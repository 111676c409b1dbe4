/// Database URLs: parsing, percent-decoding, redaction, precedence, and that no
/// error message ever carries the password.
#include <catch2/catch.hpp>

#include "biosense/cli/errors.hpp"
#include "biosense/storage/db_url.hpp"
#include "biosense/storage/repository.hpp"

using namespace biosense;

namespace {

/// The UsageError message for `url` (fails the test if it parses).
std::string parse_error(const std::string& url) {
  try {
    parse_db_url(url);
  } catch (const UsageError& e) {
    return e.what();
  }
  FAIL("parsed: " << url);
  return {};
}

}  // namespace

TEST_CASE("sqlite URLs name a file", "[storage][url]") {
  CHECK(parse_db_url("sqlite:./biosense.db").path == "./biosense.db");
  CHECK(parse_db_url("sqlite:/var/lib/biosense/b.db").path == "/var/lib/biosense/b.db");
  CHECK(parse_db_url("sqlite:///var/lib/b.db").path == "/var/lib/b.db");
  CHECK(parse_db_url("sqlite:dir with space/b.db").path == "dir with space/b.db");
  const DbUrl u = parse_db_url("sqlite:x.db");
  CHECK(u.backend == DbBackend::Sqlite);
  CHECK(u.redacted() == "sqlite:x.db");
}

TEST_CASE("mysql URLs: user, password, host, port, database", "[storage][url]") {
  const DbUrl u = parse_db_url("mysql://bio:s3cret@db.example.com:3307/biometrics");
  CHECK(u.backend == DbBackend::MySql);
  CHECK(u.user == "bio");
  REQUIRE(u.password);
  CHECK(*u.password == "s3cret");
  CHECK(u.host == "db.example.com");
  CHECK(u.port == 3307);
  CHECK(u.database == "biometrics");

  const DbUrl plain = parse_db_url("mysql://root@127.0.0.1/biosense");
  CHECK_FALSE(plain.password);
  CHECK(plain.port == 3306);
  CHECK(plain.redacted() == "mysql://root@127.0.0.1:3306/biosense");

  const DbUrl empty_password = parse_db_url("mysql://root:@localhost/b");
  REQUIRE(empty_password.password);
  CHECK(empty_password.password->empty());

  const DbUrl v6 = parse_db_url("mysql://u:p@[::1]:3310/b");
  CHECK(v6.host == "::1");
  CHECK(v6.port == 3310);
  CHECK(v6.redacted() == "mysql://u:***@[::1]:3310/b");
}

TEST_CASE("mysql URLs percent-decode user, password and database", "[storage][url]") {
  const DbUrl u = parse_db_url("mysql://NA%5Cagent:p%40ss%3Aw%2Fo%25rd+x@h/my%2Ddb");
  CHECK(u.user == "NA\\agent");
  REQUIRE(u.password);
  CHECK(*u.password == "p@ss:w/o%rd+x");
  CHECK(u.database == "my-db");
  // A raw '@' in the password: the last '@' ends the user info.
  const DbUrl raw = parse_db_url("mysql://u:a@b@host/db");
  CHECK(*raw.password == "a@b");
  CHECK(raw.host == "host");
}

TEST_CASE("redacted URLs never show the password", "[storage][url]") {
  for (const std::string url : {"mysql://bio:hunter2@db:3306/b", "mysql://bio:hun%74er2@db/b", "mysql://bio:@db/b"}) {
    const std::string shown = parse_db_url(url).redacted();
    INFO(shown);
    CHECK(shown.find("hunter2") == std::string::npos);
    CHECK(shown.find("hun%74er2") == std::string::npos);
    CHECK(shown.find(":***@") != std::string::npos);
  }
  CHECK(redact_db_url("mysql://u:hunter2@h:x/db") == "mysql://u:***@h:x/db");
  CHECK(redact_db_url("mysql://u@h/db") == "mysql://u@h/db");
  CHECK(redact_db_url("sqlite:a:b@c") == "sqlite:a:b@c");
}

TEST_CASE("malformed URLs are usage errors that hide the password", "[storage][url]") {
  for (const std::string url :
       {"postgres://u:hunter2@h/db", "mysql://u:hunter2@h:0/db", "mysql://u:hunter2@h:70000/db",
        "mysql://u:hunter2@h:abc/db", "mysql://u:hunter2@h:/db", "mysql://u:hunter2@h", "mysql://u:hunter2@h/",
        "mysql://:hunter2@h/db", "mysql://u:hunter2%zz@h/db", "mysql://u:hunter2@/db", "mysql://u:hunter2@h/db?ssl=1",
        "mysql://no-user.example/db", "sqlite:", "sqlite://", ""}) {
    const std::string message = parse_error(url);
    INFO(message);
    CHECK(message.find("hunter2") == std::string::npos);
    CHECK(message.find("malformed database URL") != std::string::npos);
  }
}

TEST_CASE("the effective URL: flag, then environment, then config, then default", "[storage][url]") {
  CHECK(resolve_db_url("sqlite:flag.db", "sqlite:env.db", "sqlite:cfg.db") == "sqlite:flag.db");
  CHECK(resolve_db_url("", "sqlite:env.db", "sqlite:cfg.db") == "sqlite:env.db");
  CHECK(resolve_db_url("", "", "sqlite:cfg.db") == "sqlite:cfg.db");
  CHECK(resolve_db_url("", "") == "sqlite:./biosense.db");
  CHECK(std::string(kDefaultDbUrl) == "sqlite:./biosense.db");
}

TEST_CASE("connection failures are storage errors without the password", "[storage][url]") {
  // Port 1 on the loopback refuses at once: no server needed.
  try {
    open_repository("mysql://root:hunter2@127.0.0.1:1/nothing");
    FAIL("connected to port 1");
  } catch (const StorageError& e) {
    const std::string message = e.what();
    INFO(message);
    CHECK(message.find("hunter2") == std::string::npos);
    CHECK(message.find("mysql://root:***@127.0.0.1:1/nothing") != std::string::npos);
  }
  CHECK_THROWS_AS(open_repository("sqlite:/nonexistent-dir/x/y.db"), StorageError);
  CHECK_THROWS_AS(open_repository("sqlite:a=b.db"), UsageError);
  CHECK_THROWS_AS(open_repository("oracle:x"), UsageError);
}
