/// Reading a Report: the window, then one store call per section.
#include "biosense/report/build.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "biosense/report/timestamp.hpp"

namespace biosense::report {
namespace {

ReportFilter resolve_window(ReportStore& store, const ReportRequest& request) {
  ReportFilter filter;
  filter.lan_id = request.lan_id;
  filter.until = request.until ? normalize_time(*request.until) : store.now();
  filter.since = request.since ? normalize_time(*request.since) : shift_time(filter.until, -kDefaultWindowSeconds);
  if (filter.since >= filter.until)
    throw std::invalid_argument(fmt::format("--since ({}) must be before --until ({})", filter.since, filter.until));
  return filter;
}

}  // namespace

std::vector<BacklogPoint> backlog_points(const std::vector<HourlyCount>& hourly,
                                         const std::vector<HourTotal>& processed, const QueueState& queue,
                                         const ReportFilter& window) {
  const std::string& until = window.until;
  // Per hour: captured and processed rows (both only within the window).
  std::map<std::string, std::pair<long long, long long>> hours;
  for (const auto& row : hourly) hours[row.hour].first += row.n;
  for (const auto& row : processed) hours[row.hour].second += row.n;
  // Walk back from `until`, accumulating what happened at or after each hour's end.
  long long captured_after = queue.captured_from_until, processed_after = queue.processed_from_until;
  const auto pending_at = [&] { return std::max(0LL, queue.pending_now + processed_after - captured_after); };
  std::vector<BacklogPoint> points{{until, pending_at()}};
  for (auto it = hours.rbegin(); it != hours.rend(); ++it) {
    const std::string end = std::min(shift_time(it->first, 3600), until);
    if (end != points.back().time) points.push_back({end, pending_at()});
    captured_after += it->second.first;
    processed_after += it->second.second;
  }
  if (!hours.empty()) points.push_back({std::max(shift_time(hours.begin()->first, 0), window.since), pending_at()});
  std::reverse(points.begin(), points.end());
  return points;
}

Throughput throughput(const std::vector<HourTotal>& processed, const QueueState& queue, const ReportFilter& window) {
  Throughput t;
  for (const auto& hour : processed) {
    t.processed += hour.n;
    if (!t.peak || hour.n > t.peak->n) t.peak = hour;
  }
  const double hours = static_cast<double>(to_seconds(window.until) - to_seconds(window.since)) / 3600.0;
  t.per_hour = hours > 0 ? static_cast<double>(t.processed) / hours : 0.0;
  t.pending_now = queue.pending_now;
  t.oldest_pending = queue.oldest_pending;
  t.oldest_pending_age_seconds = queue.oldest_pending_age_seconds;
  return t;
}

Report build_report(ReportStore& store, WatchStore& alerts, const ReportRequest& request) {
  Report report;
  report.generated_at = store.now();
  report.filter = resolve_window(store, request);
  const ReportFilter& f = report.filter;
  report.hourly = store.hourly_counts(f);
  report.non_success = store.non_success(f, request.max_rows);
  report.agents = store.agent_rates(f);
  report.processed = store.processed_per_hour(f);
  const QueueState queue = store.queue_state(f);
  report.throughput = throughput(report.processed, queue, f);
  report.confidence = store.confidence_bins(f);
  report.backlog = backlog_points(report.hourly, report.processed, queue, f);
  report.alerts = alerts.open_alerts(f.lan_id);
  return report;
}

}  // namespace biosense::report
