#pragma once
/// Reads a Report through the storage layer: ReportStore for the aggregates,
/// WatchStore for the open alerts. No SQL here.
#include "biosense/report/model.hpp"

namespace biosense::report {

/// Resolves the window (see ReportRequest), then reads every section.
/// Throws std::invalid_argument when since is not before until, and
/// StorageError when the database fails.
Report build_report(ReportStore& store, WatchStore& alerts, const ReportRequest& request);

/// The backlog at the start of the first hour with data (or `window.since`,
/// if later), after each hour with data, and at `window.until`, from
/// the per-hour counts: pending(t) = pending now + processed at or after t -
/// captured at or after t (a row captured before t is waiting at t unless it
/// was processed before t). Rows decided without a processed_time (legacy)
/// would count as captured but never processed; the value is clamped at 0.
std::vector<BacklogPoint> backlog_points(const std::vector<HourlyCount>& hourly,
                                         const std::vector<HourTotal>& processed, const QueueState& queue,
                                         const ReportFilter& window);

/// Totals, average per hour of the window and the busiest hour.
Throughput throughput(const std::vector<HourTotal>& processed, const QueueState& queue, const ReportFilter& window);

}  // namespace biosense::report
