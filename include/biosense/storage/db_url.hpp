#pragma once
/// Database URLs (DESIGN.md): "sqlite:PATH" or
/// "mysql://USER[:PASSWORD]@HOST[:PORT]/DB". Parsing is pure; the password is
/// kept only in DbUrl::password and never appears in redacted() or in an error.
#include <optional>
#include <string>
#include <string_view>

namespace biosense {

/// The embedded default: a SQLite file in the working directory.
inline constexpr std::string_view kDefaultDbUrl = "sqlite:./biosense.db";
/// The environment variable that overrides the configuration file.
inline constexpr const char* kDbUrlEnvVar = "BIOSENSE_DB_URL";
inline constexpr int kDefaultMySqlPort = 3306;

enum class DbBackend { Sqlite, MySql };

struct DbUrl {
  DbBackend backend = DbBackend::Sqlite;
  std::string path;                     ///< sqlite: the database file
  std::string user;                     ///< mysql: percent-decoded
  std::optional<std::string> password;  ///< mysql: percent-decoded; nullopt when absent
  std::string host;                     ///< mysql: name or address (IPv6 without brackets)
  int port = kDefaultMySqlPort;         ///< mysql
  std::string database;                 ///< mysql: percent-decoded

  /// The URL with "***" in place of any password: the only form to log.
  std::string redacted() const;
};

/// Parses `url`. Throws UsageError for a malformed or unsupported URL; the
/// message shows the URL only in redacted form.
DbUrl parse_db_url(std::string_view url);

/// Best-effort redaction of a URL that may not even parse (for messages about
/// malformed URLs): hides everything between "scheme://user:" and the last '@'.
std::string redact_db_url(std::string_view url);

/// The effective URL: `flag` (--db) if non-empty, else `env`
/// ($BIOSENSE_DB_URL) if non-empty, else `config` if non-empty, else
/// kDefaultDbUrl. Pure: the caller reads the environment.
std::string resolve_db_url(std::string_view flag, std::string_view env, std::string_view config = {});

/// resolve_db_url with `env` read from $BIOSENSE_DB_URL.
std::string resolve_db_url_from_environment(std::string_view flag, std::string_view config = {});

}  // namespace biosense
