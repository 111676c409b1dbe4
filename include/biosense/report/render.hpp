#pragma once
/// Writing a Report (model.hpp) in one of four formats. Each renderer only
/// formats: every number comes from the Report. None throws except what the
/// stream throws.
#include <iosfwd>
#include <optional>
#include <string_view>

#include "biosense/report/model.hpp"

namespace biosense::report {

enum class ReportFormat { Table, Csv, Json, Html };

/// "table", "csv", "json", "html" (any case); nullopt otherwise.
std::optional<ReportFormat> parse_report_format(std::string_view name);

/// For a terminal: one titled section per report, aligned columns. Counts per
/// hour x agent are one line each, with a column per result code.
void render_table(const Report& report, std::ostream& out);
/// Sections, each a line "# <name>", a header line and its rows, then a blank
/// line (docs/dashboards.md). RFC 4180 quoting. Hourly counts are one row per
/// hour x agent x result.
void render_csv(const Report& report, std::ostream& out);
/// One JSON object; keys documented in docs/dashboards.md.
void render_json(const Report& report, std::ostream& out);
/// One self-contained HTML page: inline CSS and inline SVG charts, no script
/// and no reference to any network address; prints on A4.
void render_html(const Report& report, std::ostream& out);

void render(const Report& report, ReportFormat format, std::ostream& out);

}  // namespace biosense::report
