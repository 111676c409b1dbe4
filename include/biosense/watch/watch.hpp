#pragma once
/// The watch (issue 8): per agent and time window, from decided snapshots,
/// raise IMPERSONATION, REPLAYED_IMAGE, FROZEN_FEED, ABSENT, SUBSTITUTED and
/// NO_DATA alerts. Reads through WatchStore (storage/alerts.hpp), sees photos
/// through a FaceShapeEngine; no SQL and no dlib types here.
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "biosense/storage/alerts.hpp"
#include "biosense/watch/options.hpp"
#include "biosense/watch/scores.hpp"

namespace biosense {

class FaceShapeEngine;

/// A check the watch could not make for an agent, and why (too few frames).
struct WatchSkip {
  std::string lan_id;
  AlertKind check = AlertKind::Impersonation;
  std::string reason;
};

/// What the watch found for one agent in one window.
struct AgentFindings {
  std::vector<AlertRecord> alerts;  ///< not yet stored (id 0)
  std::vector<WatchSkip> skipped;
  std::optional<ShapeScores> shape;        ///< the impersonation scores, when measured
  std::optional<double> max_frame_change;  ///< of the longest unchanged run, when measured
  std::size_t longest_unchanged_run = 0;   ///< consecutive frames within frozen_change
};

/// Reads one stream_img photo by id (nullopt: NULL or gone).
using ImageLoader = std::function<std::optional<Bytes>(std::int64_t id)>;

/// Checks one agent's decided snapshots of the window (ascending capture
/// time) for every kind but NO_DATA. Photos are read one at a time through
/// `load` and only thumbnails, hashes and the last `frames` SUCCESS faces
/// are kept, so memory does not grow with the photos' size.
AgentFindings check_agent(const std::string& lan_id, const std::vector<SnapshotInfo>& snapshots,
                          const ImageLoader& load, FaceShapeEngine& engine, const WatchOptions& options,
                          const std::string& window_start, const std::string& window_end);

struct RaisedAlert {
  AlertRecord alert;
  std::optional<AlertWrite> written;  ///< nullopt in a dry run
};

struct WatchRun {
  std::string window_start;
  std::string window_end;
  std::size_t agents = 0;  ///< agents with snapshots in the window
  std::vector<RaisedAlert> alerts;
  std::vector<WatchSkip> skipped;
  bool interrupted = false;  ///< `stop` was set before every agent was checked
};

/// One run over the window ending at `window_end` ("YYYY-MM-DD HH:MM:SS";
/// empty: the database clock now). Records each alert through
/// store.record_alert (de-duplicated there) unless `dry_run`, which writes
/// nothing. NO_DATA: an agent with snapshots in the window before this one
/// and none in this one. Stops between agents when `stop` is set.
WatchRun run_watch(WatchStore& store, FaceShapeEngine& engine, const WatchOptions& options,
                   const std::string& window_end, bool dry_run, const std::atomic<bool>& stop);

/// `timestamp` ("YYYY-MM-DD HH:MM:SS") moved by `seconds` (UTC arithmetic,
/// no time zones involved). Throws std::invalid_argument for another shape.
std::string shift_timestamp(const std::string& timestamp, long long seconds);

}  // namespace biosense
