#include "biosense/util/log.hpp"

#include <chrono>
#include <ctime>
#include <ostream>

#include <fmt/format.h>

#include "biosense/util/json.hpp"

namespace biosense {
namespace {

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warning";
    case LogLevel::Error: return "error";
  }
  return "info";
}

std::string utc_timestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

}  // namespace

Logger::Logger(std::ostream& out, LogFormat format, LogLevel threshold)
    : out_(out), format_(format), threshold_(threshold) {}

void Logger::log(LogLevel level, std::string_view message, const LogFields& fields) {
  if (!enabled(level)) return;
  std::string line;
  if (format_ == LogFormat::Json) {
    line = fmt::format("{{\"ts\":{},\"level\":{},\"msg\":{}", json::quote(utc_timestamp()),
                       json::quote(level_name(level)), json::quote(message));
    for (const auto& [name, value] : fields) line += fmt::format(",{}:{}", json::quote(name), value);
    line += "}\n";
  } else {
    line = level == LogLevel::Info ? fmt::format("{}\n", message) : fmt::format("{}: {}\n", level_name(level), message);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  out_ << line << std::flush;
}

}  // namespace biosense
