#include "text_table.hpp"

#include <algorithm>

namespace biosense::report {

TextTable::TextTable(std::vector<std::string> columns) {
  for (auto& column : columns) {
    const bool right = !column.empty() && column.front() == '#';
    right_.push_back(right);
    columns_.push_back(right ? column.substr(1) : column);
  }
}

void TextTable::add(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
}

void TextTable::write(std::ostream& out) const {
  std::vector<std::size_t> width(columns_.size());
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    width[c] = columns_[c].size();
    for (const auto& row : rows_) width[c] = std::max(width[c], row[c].size());
  }
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(width[c] - cells[c].size(), ' ');
      text += "  ";
      text += right_[c] ? pad + cells[c] : cells[c] + pad;
    }
    text.erase(text.find_last_not_of(' ') + 1);
    out << text << '\n';
  };
  line(columns_);
  std::vector<std::string> rule;
  for (std::size_t w : width) rule.emplace_back(w, '-');
  line(rule);
  if (rows_.empty()) out << "  (none)\n";
  for (const auto& row : rows_) line(row);
}

}  // namespace biosense::report
