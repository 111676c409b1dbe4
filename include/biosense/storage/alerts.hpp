#pragma once
/// The watch's view of the database (DESIGN.md, issue 8): decided snapshots
/// by agent and time window, their photos one at a time, and the `alert`
/// table. SOCI implementation in src/storage/watch_store.cpp; every SQL
/// statement lives there.
///
/// Times are "YYYY-MM-DD HH:MM:SS" text on the database clock (the clock
/// capture_time defaults to). A window is (start, end]: a snapshot captured
/// exactly at `start` belongs to the previous window.
///
/// Thread-safety: none; one store (one connection) per thread.
/// Errors: StorageError (repository.hpp) when the database fails.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "biosense/storage/records.hpp"
#include "biosense/storage/repository.hpp"

namespace biosense {

/// What the watch alerts on (the alert_kind master table).
enum class AlertKind {
  Impersonation,  ///< IMPERSONATION: the last N verified faces do not move (photo, phone, stand)
  ReplayedImage,  ///< REPLAYED_IMAGE: the same image bytes arrived twice
  FrozenFeed,     ///< FROZEN_FEED: consecutive camera frames do not change at all
  Absent,         ///< ABSENT: too many NO_FACES_FOUND in the window
  Substituted,    ///< SUBSTITUTED: too many UNKNOWN_* in the window
  NoData,         ///< NO_DATA: the agent sent snapshots before the window, none in it
};
inline constexpr AlertKind kAllAlertKinds[] = {AlertKind::Impersonation, AlertKind::ReplayedImage,
                                               AlertKind::FrozenFeed,    AlertKind::Absent,
                                               AlertKind::Substituted,   AlertKind::NoData};
std::string_view alert_kind_name(AlertKind kind);
std::optional<AlertKind> parse_alert_kind(std::string_view name);

/// A decided stream_img row without its photo.
struct SnapshotInfo {
  std::int64_t id = 0;
  std::string lan_id;
  std::string capture_time;
  Status status = Status::Done;
  std::optional<ResultCode> result;  ///< nullopt: NULL or a value the contract does not define
};

/// One row of `alert`.
struct AlertRecord {
  std::int64_t id = 0;  ///< 0 until stored
  std::string lan_id;
  AlertKind kind = AlertKind::Impersonation;
  std::string window_start;
  std::string window_end;
  std::vector<std::int64_t> evidence_ids;  ///< stream_img ids, ascending
  std::string scores;                      ///< a JSON object of the measured scores
  std::string detail;                      ///< one human-readable sentence
  int runs = 1;                            ///< how many watch runs found this condition
  std::string created_at;                  ///< set by the database
  std::optional<std::string> acknowledged_by;
  std::optional<std::string> acknowledged_at;
};

/// What record_alert did.
struct AlertWrite {
  bool inserted = false;  ///< false: an open alert was extended instead
  std::int64_t id = 0;
};

/// Most evidence ids an alert keeps (the newest ones) after extensions.
inline constexpr std::size_t kMaxEvidenceIds = 50;

class WatchStore {
 public:
  virtual ~WatchStore() = default;
  /// The database clock now.
  virtual std::string now() = 0;
  /// Distinct lan_ids of stream_img rows captured in (from, to], any status.
  virtual std::vector<std::string> agents_between(const std::string& from, const std::string& to) = 0;
  /// The agent's decided (Y/F) stream_img rows captured in (from, to], by
  /// capture_time then id.
  virtual std::vector<SnapshotInfo> decided_snapshots(const std::string& lan_id, const std::string& from,
                                                      const std::string& to) = 0;
  /// One stream_img photo; nullopt for a NULL image or a missing row.
  virtual std::optional<Bytes> snapshot_image(std::int64_t id) = 0;
  /// One transaction: when an unacknowledged alert of the same agent and kind
  /// has a window overlapping or touching `alert`'s, that alert is extended
  /// (window widened, evidence merged and capped at kMaxEvidenceIds, scores
  /// and detail replaced by the new ones, runs + 1); otherwise a row is
  /// inserted.
  virtual AlertWrite record_alert(const AlertRecord& alert) = 0;
  /// Unacknowledged alerts, newest window first; one agent's when `lan_id` is set.
  /// For `report` (issue 7) to list.
  virtual std::vector<AlertRecord> open_alerts(const std::optional<std::string>& lan_id = std::nullopt) = 0;
  /// Marks an alert handled; false when no open alert has this id.
  virtual bool acknowledge_alert(std::int64_t id, const std::string& by) = 0;
};

/// Opens `url` (see repository.hpp); refuses a schema older than this binary's.
std::unique_ptr<WatchStore> open_watch_store(const std::string& url);

/// "12,15,19" <-> {12, 15, 19}; parsing skips anything that is not a positive id.
std::string format_evidence_ids(const std::vector<std::int64_t>& ids);
std::vector<std::int64_t> parse_evidence_ids(std::string_view text);

}  // namespace biosense
