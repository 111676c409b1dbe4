#pragma once
/// Columns aligned for a terminal: text left, numbers right.
#include <ostream>
#include <string>
#include <vector>

namespace biosense::report {

class TextTable {
 public:
  /// A column whose name starts with '#' is right-aligned (the '#' is not shown).
  explicit TextTable(std::vector<std::string> columns);
  void add(std::vector<std::string> cells);
  /// Header, a rule, then the rows; "(none)" when there are no rows.
  void write(std::ostream& out) const;

 private:
  std::vector<std::string> columns_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace biosense::report
