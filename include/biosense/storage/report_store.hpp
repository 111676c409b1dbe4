#pragma once
/// The report's view of the database (issue 7): aggregates over `stream_img`
/// for `biosense report`. SOCI implementation in src/storage/report_store.cpp;
/// every SQL statement lives there. Every aggregate is computed by the
/// database (GROUP BY), so a call returns at most one row per hour, agent,
/// result or bin, whatever the size of the table.
///
/// Times are "YYYY-MM-DD HH:MM:SS" text on the database clock (the clock
/// capture_time and processed_time default to); hours are "YYYY-MM-DD HH:00".
/// A window is [since, until): a snapshot captured exactly at `until` belongs
/// to the next window. A filter with a lan_id reads that agent's rows only.
///
/// Thread-safety: none; one store (one connection) per thread.
/// Errors: StorageError (repository.hpp) when the database fails.
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace biosense {

/// Which rows a report reads: captured in [since, until), of one agent or all.
struct ReportFilter {
  std::string since;
  std::string until;
  std::optional<std::string> lan_id;
};

/// Snapshots of one agent with one result captured in one hour.
struct HourlyCount {
  std::string hour;  ///< "YYYY-MM-DD HH:00"
  std::string lan_id;
  std::optional<std::string> result;  ///< nullopt: no result yet (status N or P)
  long long n = 0;
};

/// One row of the user's non-success query: decided (status not N) and a
/// result other than SUCCESS.
struct NonSuccessRow {
  long long id = 0;
  std::string lan_id;
  std::string capture_time;
  std::optional<std::string> processed_time;
  std::string result;
  std::optional<int> num_faces;
  std::optional<double> accuracy;  ///< calibrated confidence, percent
  std::optional<double> distance;  ///< to the claimed agent's benchmark
  /// The gallery check (migration 006): the closest other enrolled agent and
  /// its distance; NULL when not checked or no other agent is enrolled.
  std::optional<std::string> closest_lan_id;
  std::optional<double> closest_distance;
};

/// The newest `rows` of the non-success list, and how many there are in all.
struct NonSuccessList {
  long long total = 0;
  std::vector<NonSuccessRow> rows;  ///< newest id first
};

/// One agent's snapshots in the window.
struct AgentRate {
  std::string lan_id;
  long long snapshots = 0;  ///< every status
  long long decided = 0;    ///< status Y or F
  long long verified = 0;   ///< result SUCCESS or SUCCESS_MULTIPLE_FACES
  std::string last_seen;    ///< newest capture_time in the window
};

/// Rows whose processed_time falls in one hour.
struct HourTotal {
  std::string hour;  ///< "YYYY-MM-DD HH:00"
  long long n = 0;
};

/// What the backlog chart and the throughput line need besides per-hour counts.
struct QueueState {
  long long pending_now = 0;                  ///< status N or P, whatever the capture time
  std::optional<std::string> oldest_pending;  ///< capture_time of the oldest N/P row
  long long oldest_pending_age_seconds = 0;   ///< database clock now minus oldest_pending; 0 without one
  long long captured_from_until = 0;          ///< rows captured at or after `until`
  long long processed_from_until = 0;         ///< rows processed at or after `until`
};

/// Decided rows by calibrated confidence: bins[i] counts accuracy in
/// [10 i, 10 i + 10) percent, the last bin also holds 100.
using ConfidenceBins = std::array<long long, 10>;

class ReportStore {
 public:
  virtual ~ReportStore() = default;
  /// The database clock now.
  virtual std::string now() = 0;
  /// Snapshots captured in the window per hour x agent x result, by hour,
  /// lan_id, result (NULL first).
  virtual std::vector<HourlyCount> hourly_counts(const ReportFilter& filter) = 0;
  /// The non-success snapshots captured in the window, at most `max_rows`
  /// (newest id first), and their total count.
  virtual NonSuccessList non_success(const ReportFilter& filter, std::size_t max_rows) = 0;
  /// Per agent with a snapshot captured in the window, by lan_id.
  virtual std::vector<AgentRate> agent_rates(const ReportFilter& filter) = 0;
  /// Rows processed (processed_time) in the window, per hour, by hour.
  virtual std::vector<HourTotal> processed_per_hour(const ReportFilter& filter) = 0;
  /// The pending queue now, and the counts after `until` (filter.since is not used).
  virtual QueueState queue_state(const ReportFilter& filter) = 0;
  /// Snapshots captured in the window with an accuracy, by confidence bin.
  virtual ConfidenceBins confidence_bins(const ReportFilter& filter) = 0;
};

/// Opens `url` (see repository.hpp); refuses a schema older than this binary's.
std::unique_ptr<ReportStore> open_report_store(const std::string& url);

}  // namespace biosense
