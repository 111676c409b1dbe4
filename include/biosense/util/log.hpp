#pragma once
/// A small logger handed to whoever needs it (no global instance).
/// Text for a terminal, or one JSON object per line for log shippers.
#include <iosfwd>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace biosense {

enum class LogFormat { Text, Json };

/// Extra members of a JSON log line: name -> JSON text (already encoded, e.g.
/// json::quote(s) or a number). Text lines ignore them: the message says it all.
using LogFields = std::vector<std::pair<std::string, std::string>>;
enum class LogLevel { Debug = 0, Info = 1, Warn = 2, Error = 3 };

class Logger {
 public:
  /// Messages below `threshold` are dropped. Writes go to `out` (stderr in the CLI).
  Logger(std::ostream& out, LogFormat format, LogLevel threshold);
  void log(LogLevel level, std::string_view message, const LogFields& fields = {});
  void debug(std::string_view m) { log(LogLevel::Debug, m); }
  void info(std::string_view m) { log(LogLevel::Info, m); }
  void info(std::string_view m, const LogFields& fields) { log(LogLevel::Info, m, fields); }
  void warn(std::string_view m) { log(LogLevel::Warn, m); }
  void error(std::string_view m) { log(LogLevel::Error, m); }
  bool enabled(LogLevel level) const { return level >= threshold_; }

 private:
  std::mutex mutex_;  ///< guards out_: workers log from several threads
  std::ostream& out_;
  LogFormat format_;
  LogLevel threshold_;
};

}  // namespace biosense
