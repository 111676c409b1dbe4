#include "biosense/report/render.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace biosense::report {

std::optional<ReportFormat> parse_report_format(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "table") return ReportFormat::Table;
  if (lower == "csv") return ReportFormat::Csv;
  if (lower == "json") return ReportFormat::Json;
  if (lower == "html") return ReportFormat::Html;
  return std::nullopt;
}

void render(const Report& report, ReportFormat format, std::ostream& out) {
  switch (format) {
    case ReportFormat::Table: return render_table(report, out);
    case ReportFormat::Csv: return render_csv(report, out);
    case ReportFormat::Json: return render_json(report, out);
    case ReportFormat::Html: return render_html(report, out);
  }
}

}  // namespace biosense::report
