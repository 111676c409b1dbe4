#pragma once
/// How the renderers spell optional and numeric values, so every format
/// agrees (an empty cell is a NULL in the database).
#include <optional>
#include <string>

#include <fmt/format.h>

namespace biosense::report {

inline std::string cell(const std::optional<std::string>& v) { return v.value_or(""); }
inline std::string cell(const std::optional<int>& v) { return v ? std::to_string(*v) : std::string(); }
/// One decimal, as the accuracy and the rates are shown.
inline std::string cell(const std::optional<double>& v) { return v ? fmt::format("{:.1f}", *v) : std::string(); }
/// Four decimals, as face distances are shown (process_status, --dry-run).
inline std::string distance_cell(const std::optional<double>& v) {
  return v ? fmt::format("{:.4f}", *v) : std::string();
}

}  // namespace biosense::report
