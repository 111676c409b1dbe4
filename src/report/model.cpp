#include "biosense/report/model.hpp"

#include <algorithm>
#include <set>

#include "biosense/storage/records.hpp"

namespace biosense::report {

std::string result_label(const HourlyCount& row) { return row.result.value_or(kNoResult); }

std::vector<std::string> result_columns(const Report& report) {
  std::set<std::string> seen;
  bool none = false;
  for (const auto& row : report.hourly) {
    if (row.result)
      seen.insert(*row.result);
    else
      none = true;
  }
  std::vector<std::string> columns;
  for (ResultCode code : kAllResultCodes) {
    const std::string name(result_code_name(code));
    if (seen.erase(name) > 0) columns.push_back(name);
  }
  columns.insert(columns.end(), seen.begin(), seen.end());
  if (none) columns.emplace_back(kNoResult);
  return columns;
}

std::vector<PivotRow> pivot_hourly(const Report& report, bool by_agent) {
  const auto columns = result_columns(report);
  std::vector<PivotRow> rows;
  for (const auto& count : report.hourly) {  // sorted by hour, lan_id (store contract)
    const std::string lan_id = by_agent ? count.lan_id : std::string();
    if (rows.empty() || rows.back().hour != count.hour || rows.back().lan_id != lan_id)
      rows.push_back({count.hour, lan_id, std::vector<long long>(columns.size(), 0), 0});
    const auto column = std::find(columns.begin(), columns.end(), result_label(count)) - columns.begin();
    rows.back().counts[static_cast<std::size_t>(column)] += count.n;
    rows.back().total += count.n;
  }
  return rows;
}

std::optional<double> success_rate(const AgentRate& agent) {
  if (agent.decided <= 0) return std::nullopt;
  return 100.0 * static_cast<double>(agent.verified) / static_cast<double>(agent.decided);
}

}  // namespace biosense::report
