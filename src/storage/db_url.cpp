/// Parsing and redaction of database URLs. No I/O except
/// resolve_db_url_from_environment's getenv.
#include "biosense/storage/db_url.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "biosense/cli/errors.hpp"

namespace biosense {
namespace {

constexpr std::string_view kSqliteScheme = "sqlite:";
constexpr std::string_view kMySqlScheme = "mysql://";
constexpr std::string_view kHidden = "***";

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

[[noreturn]] void malformed(std::string_view url, std::string_view why) {
  throw UsageError(
      fmt::format("malformed database URL '{}': {} (expected sqlite:PATH or "
                  "mysql://USER[:PASSWORD]@HOST[:PORT]/DB)",
                  redact_db_url(url), why));
}

/// Decodes %XX escapes; '+' stays '+' (this is not form encoding).
std::string percent_decode(std::string_view url, std::string_view part, std::string_view what) {
  std::string out;
  out.reserve(part.size());
  for (std::size_t i = 0; i < part.size(); ++i) {
    if (part[i] != '%') {
      out.push_back(part[i]);
      continue;
    }
    const int hi = i + 2 < part.size() ? hex_value(part[i + 1]) : -1;
    const int lo = i + 2 < part.size() ? hex_value(part[i + 2]) : -1;
    if (hi < 0 || lo < 0) malformed(url, fmt::format("bad percent escape in the {}", what));
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

int parse_port(std::string_view url, std::string_view text) {
  if (text.empty() || text.size() > 5) malformed(url, "the port must be a number from 1 to 65535");
  int port = 0;
  for (char c : text) {
    if (c < '0' || c > '9') malformed(url, "the port must be a number from 1 to 65535");
    port = port * 10 + (c - '0');
  }
  if (port < 1 || port > 65535) malformed(url, "the port must be a number from 1 to 65535");
  return port;
}

DbUrl parse_sqlite(std::string_view url) {
  std::string_view path = url.substr(kSqliteScheme.size());
  if (starts_with(path, "//")) path.remove_prefix(2);  // tolerate sqlite:///abs/path
  if (path.empty()) malformed(url, "the SQLite file path is empty");
  DbUrl parsed;
  parsed.backend = DbBackend::Sqlite;
  parsed.path = std::string(path);
  return parsed;
}

DbUrl parse_mysql(std::string_view url) {
  const std::string_view rest = url.substr(kMySqlScheme.size());
  // The last '@' ends the user info, so a password may hold a raw '@' or '/'.
  const std::size_t at = rest.rfind('@');
  if (at == std::string_view::npos) malformed(url, "a user is required (USER@HOST)");
  const std::string_view userinfo = rest.substr(0, at);
  const std::string_view after = rest.substr(at + 1);

  DbUrl parsed;
  parsed.backend = DbBackend::MySql;
  const std::size_t colon = userinfo.find(':');
  parsed.user = percent_decode(url, userinfo.substr(0, colon), "user");
  if (colon != std::string_view::npos) parsed.password = percent_decode(url, userinfo.substr(colon + 1), "password");
  if (parsed.user.empty()) malformed(url, "the user is empty");

  const std::size_t slash = after.find('/');
  if (slash == std::string_view::npos) malformed(url, "the database name is missing (HOST/DB)");
  const std::string_view hostport = after.substr(0, slash);
  const std::string_view db = after.substr(slash + 1);
  if (db.find_first_of("?#/") != std::string_view::npos) malformed(url, "options after the database are not supported");

  std::string_view port_text;
  if (starts_with(hostport, "[")) {  // [IPv6]:port
    const std::size_t close = hostport.find(']');
    if (close == std::string_view::npos) malformed(url, "unterminated [IPv6] host");
    parsed.host = std::string(hostport.substr(1, close - 1));
    const std::string_view tail = hostport.substr(close + 1);
    if (!tail.empty()) {
      if (tail[0] != ':') malformed(url, "unexpected text after the host");
      port_text = tail.substr(1);
      if (port_text.empty()) malformed(url, "the port is empty");
    }
  } else {
    const std::size_t pc = hostport.find(':');
    parsed.host = std::string(hostport.substr(0, pc));
    if (pc != std::string_view::npos) {
      port_text = hostport.substr(pc + 1);
      if (port_text.empty()) malformed(url, "the port is empty");
    }
  }
  if (parsed.host.empty()) malformed(url, "the host is empty");
  if (!port_text.empty()) parsed.port = parse_port(url, port_text);
  parsed.database = percent_decode(url, db, "database name");
  if (parsed.database.empty()) malformed(url, "the database name is empty");
  return parsed;
}

}  // namespace

std::string DbUrl::redacted() const {
  if (backend == DbBackend::Sqlite) return fmt::format("sqlite:{}", path);
  const bool ipv6 = host.find(':') != std::string::npos;
  return fmt::format("mysql://{}{}@{}{}{}:{}/{}", user, password ? fmt::format(":{}", kHidden) : std::string(),
                     ipv6 ? "[" : "", host, ipv6 ? "]" : "", port, database);
}

DbUrl parse_db_url(std::string_view url) {
  if (starts_with(url, kSqliteScheme)) return parse_sqlite(url);
  if (starts_with(url, kMySqlScheme)) return parse_mysql(url);
  malformed(url, "unknown scheme");
}

std::string redact_db_url(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const std::size_t info_start = scheme_end + 3;
  const std::size_t at = url.rfind('@');
  if (at == std::string_view::npos || at < info_start) return std::string(url);
  const std::size_t colon = url.find(':', info_start);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return fmt::format("{}{}{}", url.substr(0, colon + 1), kHidden, url.substr(at));
}

std::string resolve_db_url(std::string_view flag, std::string_view env, std::string_view config) {
  if (!flag.empty()) return std::string(flag);
  if (!env.empty()) return std::string(env);
  if (!config.empty()) return std::string(config);
  return std::string(kDefaultDbUrl);
}

std::string resolve_db_url_from_environment(std::string_view flag, std::string_view config) {
  const char* env = std::getenv(kDbUrlEnvVar);
  return resolve_db_url(flag, env != nullptr ? std::string_view(env) : std::string_view(), config);
}

}  // namespace biosense
