#pragma once
/// What `biosense report` shows (issue 7), as plain values: what the database
/// aggregated (storage/report_store.hpp) plus what is derived from it (the
/// backlog over time, throughput). Renderers (render.hpp) only format it.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "biosense/storage/alerts.hpp"
#include "biosense/storage/report_store.hpp"

namespace biosense::report {

/// What the user asked for; unset times default to the last 24 hours on the
/// database clock (until = now, since = until - 24 h).
struct ReportRequest {
  std::optional<std::string> since;  ///< "YYYY-MM-DD HH:MM:SS"
  std::optional<std::string> until;  ///< "YYYY-MM-DD HH:MM:SS"
  std::optional<std::string> lan_id;
  std::size_t max_rows = 100;  ///< rows of the non-success list to show
};

inline constexpr long long kDefaultWindowSeconds = 24 * 3600;

/// Rows waiting (status N or P, or decided later) at `time`.
struct BacklogPoint {
  std::string time;  ///< "YYYY-MM-DD HH:MM:SS", the end of an hour or `until`
  long long pending = 0;
};

/// How fast the passes decide snapshots, and what is still waiting.
struct Throughput {
  long long processed = 0;        ///< rows with processed_time in the window
  double per_hour = 0;            ///< processed / the window's length in hours
  std::optional<HourTotal> peak;  ///< the busiest hour, if any row was processed
  long long pending_now = 0;      ///< N or P rows now, any capture time
  std::optional<std::string> oldest_pending;
  long long oldest_pending_age_seconds = 0;
};

struct Report {
  std::string generated_at;  ///< the database clock when the report was read
  ReportFilter filter;       ///< the window and agent actually used
  std::vector<HourlyCount> hourly;
  NonSuccessList non_success;
  std::vector<AgentRate> agents;
  std::vector<HourTotal> processed;  ///< per hour, by processed_time
  Throughput throughput;
  ConfidenceBins confidence{};
  std::vector<BacklogPoint> backlog;  ///< ascending time, one per hour with data, then `until`
  std::vector<AlertRecord> alerts;    ///< open (unacknowledged), newest window first
};

/// The result labels of `report.hourly` in a fixed order: the contract's
/// codes first (DESIGN.md order), then others alphabetically, then
/// kNoResult when some rows have none.
std::vector<std::string> result_columns(const Report& report);
inline constexpr const char* kNoResult = "(pending)";
/// A count's result label: the code, or kNoResult for NULL.
std::string result_label(const HourlyCount& row);

/// Hourly counts as a grid: one row per hour (and agent, when `by_agent`),
/// one count per result_columns() entry, in the same order.
struct PivotRow {
  std::string hour;
  std::string lan_id;  ///< empty when not by agent
  std::vector<long long> counts;
  long long total = 0;
};
std::vector<PivotRow> pivot_hourly(const Report& report, bool by_agent);

/// `verified / decided` in percent; nullopt when nothing is decided.
std::optional<double> success_rate(const AgentRate& agent);

}  // namespace biosense::report
