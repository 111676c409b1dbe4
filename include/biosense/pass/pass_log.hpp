#pragma once
/// The log lines operators grep or ship: one per committed chunk and one per
/// pass, each with counts per result and timings. In JSON format the same
/// numbers are also members of the line ("event": "chunk" / "pass").
/// Ids, lan_ids, counts and seconds only: never image bytes or URLs.
#include <cstdint>

#include "biosense/pass/pass.hpp"
#include "biosense/util/log.hpp"

namespace biosense {

/// A chunk's line: rows `first_id`..`last_id` decided, the counts it added
/// to `summary` since `before`, its wall time and engine time.
void log_chunk(Logger& log, ImageKind kind, std::int64_t first_id, std::int64_t last_id, const PassSummary& before,
               const PassSummary& summary, double seconds, bool dry_run);

/// A pass's line: format_summary()'s text, with the numbers as JSON members.
void log_pass(Logger& log, ImageKind kind, const PassSummary& summary, bool dry_run);

}  // namespace biosense
