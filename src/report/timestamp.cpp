#include "biosense/report/timestamp.hpp"

#include <cctype>
#include <stdexcept>

#include <fmt/format.h>

namespace biosense::report {
namespace {

constexpr long long kDay = 86400;

/// Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
long long days_from_civil(long long y, long long m, long long d) {
  y -= m <= 2 ? 1 : 0;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const long long yoe = y - era * 400;
  const long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  long long y, m, d;
};

Civil civil_from_days(long long z) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const long long doe = z - era * 146097;
  const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long long mp = (5 * doy + 2) / 153;
  const long long d = doy - (153 * mp + 2) / 5 + 1;
  const long long m = mp < 10 ? mp + 3 : mp - 9;
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

bool matches(const std::string& text, const std::string& shape) {
  if (text.size() != shape.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool digit = std::isdigit(static_cast<unsigned char>(text[i])) != 0;
    if (shape[i] == 'd' ? !digit : text[i] != shape[i]) return false;
  }
  return true;
}

int field(const std::string& text, std::size_t pos) { return std::stoi(text.substr(pos, 2)); }

int days_in_month(long long y, long long m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

}  // namespace

std::string normalize_time(const std::string& text) {
  std::string full = text;
  if (matches(text, "dddd-dd-dd")) full += " 00:00:00";
  const auto fail = [&] {
    throw std::invalid_argument(fmt::format("expected \"YYYY-MM-DD\" or \"YYYY-MM-DD HH:MM:SS\", got \"{}\"", text));
  };
  if (!matches(full, "dddd-dd-dd dd:dd:dd")) fail();
  const long long year = std::stoll(full.substr(0, 4));
  const int month = field(full, 5), day = field(full, 8);
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) fail();
  if (field(full, 11) > 23 || field(full, 14) > 59 || field(full, 17) > 59) fail();
  return full;
}

long long to_seconds(const std::string& time) {
  std::string full = time;
  if (matches(time, "dddd-dd-dd dd:dd")) full += ":00";
  full = normalize_time(full);
  const long long days = days_from_civil(std::stoll(full.substr(0, 4)), field(full, 5), field(full, 8));
  return days * kDay + field(full, 11) * 3600LL + field(full, 14) * 60LL + field(full, 17);
}

std::string from_seconds(long long seconds) {
  long long days = seconds / kDay, rest = seconds % kDay;
  if (rest < 0) {
    rest += kDay;
    --days;
  }
  const Civil c = civil_from_days(days);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", c.y, c.m, c.d, rest / 3600, rest % 3600 / 60, rest % 60);
}

std::string shift_time(const std::string& time, long long seconds) { return from_seconds(to_seconds(time) + seconds); }

std::string hour_of(const std::string& time) { return from_seconds(to_seconds(time)).substr(0, 13) + ":00"; }

std::string format_duration(long long seconds) {
  if (seconds < 60) return fmt::format("{}s", seconds);
  if (seconds < 3600) return fmt::format("{}m {}s", seconds / 60, seconds % 60);
  if (seconds < kDay) return fmt::format("{}h {}m", seconds / 3600, seconds % 3600 / 60);
  return fmt::format("{}d {}h", seconds / kDay, seconds % kDay / 3600);
}

}  // namespace biosense::report
