#pragma once
/// Reading migration files: statements out of a script, and the one statement
/// form SQLite needs emulated (ADD COLUMN IF NOT EXISTS).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace biosense::storage {

/// The statements of `script`, without their ';' and without comments. A ';'
/// ends a statement outside '...' strings, "..." or `...` identifiers, '--'
/// line comments and /* */ comments. Quotes inside strings are doubled ('');
/// backslash escapes are not understood, so migration files must not use them.
std::vector<std::string> split_sql_script(std::string_view script);

struct AddColumn {
  std::string table;
  std::string column;
};

/// For "ALTER TABLE <table> ADD [COLUMN] <column> <definition>" (any case,
/// plain identifiers, one column), the table and column; otherwise nullopt.
std::optional<AddColumn> parse_add_column(std::string_view statement);

}  // namespace biosense::storage
