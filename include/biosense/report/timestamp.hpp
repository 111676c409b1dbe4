#pragma once
/// "YYYY-MM-DD HH:MM:SS" text times for the report: checking what the user
/// typed, and hour arithmetic. No time zone: every value is on the database
/// clock, and arithmetic is on the proleptic Gregorian calendar.
#include <string>

namespace biosense::report {

/// "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS" as "YYYY-MM-DD HH:MM:SS" (a date
/// alone means its midnight). Throws std::invalid_argument naming the
/// expected form for anything else, including impossible dates (02-30).
std::string normalize_time(const std::string& text);

/// Seconds since 1970-01-01 00:00:00 of a "YYYY-MM-DD HH:MM:SS" (or
/// "YYYY-MM-DD HH:00") time. Throws std::invalid_argument when malformed.
long long to_seconds(const std::string& time);

/// The "YYYY-MM-DD HH:MM:SS" form of `seconds` since 1970-01-01.
std::string from_seconds(long long seconds);

/// `time` moved by `seconds` (may be negative).
std::string shift_time(const std::string& time, long long seconds);

/// "YYYY-MM-DD HH:00" of the hour holding `time`.
std::string hour_of(const std::string& time);

/// "3d 4h", "2h 5m", "45s": a duration for people.
std::string format_duration(long long seconds);

}  // namespace biosense::report
