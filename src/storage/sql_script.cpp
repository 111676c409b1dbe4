/// A small SQL tokenizer: just enough to split migration files safely.
#include "sql_script.hpp"

#include <cctype>

namespace biosense::storage {
namespace {

bool is_blank(std::string_view s) {
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  return true;
}

std::string trim(std::string_view s) {
  std::size_t begin = 0, end = s.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(s[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(s[end - 1]))) --end;
  return std::string(s.substr(begin, end - begin));
}

/// Splits on whitespace into at most `max` words (the rest is dropped).
std::vector<std::string> words(std::string_view s, std::size_t max) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (out.size() < max) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i == s.size()) break;
    const std::size_t start = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

bool is_identifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

}  // namespace

std::vector<std::string> split_sql_script(std::string_view script) {
  std::vector<std::string> statements;
  std::string current;
  std::size_t i = 0;
  const auto flush = [&] {
    if (!is_blank(current)) statements.push_back(trim(current));
    current.clear();
  };
  while (i < script.size()) {
    const char c = script[i];
    const char next = i + 1 < script.size() ? script[i + 1] : '\0';
    if (c == '-' && next == '-') {  // line comment: drop to end of line
      while (i < script.size() && script[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && next == '*') {  // block comment: drop, keep a separator
      const std::size_t end = script.find("*/", i + 2);
      i = end == std::string_view::npos ? script.size() : end + 2;
      current.push_back(' ');
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') {  // quoted: copy through the closing quote
      std::size_t j = i + 1;
      while (j < script.size()) {
        if (script[j] == c) {
          if (j + 1 < script.size() && script[j + 1] == c) {
            j += 2;  // doubled quote inside the literal
            continue;
          }
          break;
        }
        ++j;
      }
      const std::size_t end = j < script.size() ? j + 1 : script.size();
      current.append(script.substr(i, end - i));
      i = end;
      continue;
    }
    if (c == ';') {
      flush();
      ++i;
      continue;
    }
    current.push_back(c);
    ++i;
  }
  flush();
  return statements;
}

std::optional<AddColumn> parse_add_column(std::string_view statement) {
  const std::vector<std::string> w = words(statement, 7);
  if (w.size() < 6 || !iequals(w[0], "ALTER") || !iequals(w[1], "TABLE") || !iequals(w[3], "ADD")) return std::nullopt;
  const bool has_column_keyword = iequals(w[4], "COLUMN");
  const std::string& column = has_column_keyword ? w[5] : w[4];
  if (has_column_keyword && w.size() < 7) return std::nullopt;  // no definition after the column name
  // "ADD COLUMN IF NOT EXISTS" already is idempotent; ADD CONSTRAINT/INDEX are not columns.
  if (iequals(column, "IF") || iequals(column, "CONSTRAINT") || iequals(column, "INDEX") ||
      iequals(column, "PRIMARY") || iequals(column, "UNIQUE") || iequals(column, "FOREIGN"))
    return std::nullopt;
  if (!is_identifier(w[2]) || !is_identifier(column)) return std::nullopt;
  return AddColumn{w[2], column};
}

}  // namespace biosense::storage
