#pragma once
/// The rows every report test reads: a known day of stream_img in the window
/// [2024-03-01 00:00:00, 2024-03-02 00:00:00), plus rows just outside it, so
/// each test can state exact expected numbers (listed in report_seed.cpp).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace biosense::storage {
class Connection;
}

namespace biosense::test {

inline const std::string kAgentA = "NA\\nvep5898";
inline const std::string kAgentB = "na\\rgupta";
inline const std::string kSince = "2024-03-01 00:00:00";
inline const std::string kUntil = "2024-03-02 00:00:00";

/// One stream_img row as a pass (or the capture client) left it.
struct SeedRow {
  std::string lan_id;
  std::string capture_time;
  std::string status;
  std::optional<std::string> result;
  std::optional<std::string> processed_time;
  std::optional<int> num_faces;
  std::optional<double> accuracy;
};

/// Inserts one row with raw SQL (values bound); returns nothing, ids are
/// 1, 2, 3... in insertion order on a fresh database.
void insert_seed_row(storage::Connection& conn, const SeedRow& row);

/// Inserts the 11 rows of report_seed.cpp into a migrated database.
void seed_report_rows(storage::Connection& conn);

/// Runs argv (no shell; argv[0] a path) with `env` entries ("NAME=value")
/// added, stdout and stderr to `log`; the exit code, or 128 + signal.
int run_program(const std::vector<std::string>& argv, const std::filesystem::path& log,
                const std::vector<std::string>& env = {});

}  // namespace biosense::test
