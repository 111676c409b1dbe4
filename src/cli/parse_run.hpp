#pragma once
/// CLI11 definitions of `run` and `reprocess` (kept apart from parse.cpp).
#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "biosense/cli/invocation.hpp"

namespace biosense::cli {

/// Raw strings that need checking after CLI11 has parsed them.
struct ReprocessFlags {
  std::string ids;
  std::string result;
  std::string lan_id;
  std::string since;
};

/// "4,7,12" -> {4, 7, 12}; empty text -> {}. Throws CLI::ValidationError
/// naming `option` for an item that is not a positive integer ("1,,2", "x").
std::vector<std::int64_t> parse_id_list(const std::string& text, const std::string& option);

/// --data-dir, --keep-files, --tolerance, --lease and the detection options
/// (--detector, --upsample, --retry-detector, --retry-upsample, --jitters,
/// --mirror/--no-mirror), --enrolment-cnn/--no-enrolment-cnn and
/// --gallery-check/--no-gallery-check: the same flags on `run`, `reprocess`
/// and `consume`.
void add_decider_options(CLI::App* cmd, DecisionOptions& d);
CLI::App* add_run(CLI::App& app, RunOptions& o);
CLI::App* add_reprocess(CLI::App& app, ReprocessOptions& o, ReprocessFlags& flags);
/// Fills o.filter from flags; throws CLI::ValidationError for bad values.
void finish_reprocess(ReprocessOptions& o, const ReprocessFlags& flags);

}  // namespace biosense::cli
