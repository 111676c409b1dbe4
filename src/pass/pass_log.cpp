#include "biosense/pass/pass_log.hpp"

#include <fmt/format.h>

#include "biosense/util/json.hpp"

namespace biosense {
namespace {

/// Counts in `after` minus those in `before` (both per result code).
std::map<ResultCode, std::size_t> added(const PassSummary& before, const PassSummary& after) {
  std::map<ResultCode, std::size_t> out;
  for (const auto& [code, n] : after.counts) {
    const auto it = before.counts.find(code);
    const std::size_t was = it == before.counts.end() ? 0 : it->second;
    if (n > was) out[code] = n - was;
  }
  return out;
}

std::string counts_text(const std::map<ResultCode, std::size_t>& counts) {
  std::string out;
  for (const auto& [code, n] : counts) out += fmt::format(" {}={}", result_code_name(code), n);
  return out;
}

std::string counts_json(const std::map<ResultCode, std::size_t>& counts) {
  std::string out;
  for (const auto& [code, n] : counts)
    out += fmt::format("{}{}:{}", out.empty() ? "" : ",", json::quote(result_code_name(code)), n);
  return "{" + out + "}";
}

}  // namespace

void log_chunk(Logger& log, ImageKind kind, std::int64_t first_id, std::int64_t last_id, const PassSummary& before,
               const PassSummary& summary, double seconds, bool dry_run) {
  const auto counts = added(before, summary);
  const std::size_t decided = summary.decided - before.decided;
  const double engine = summary.engine_seconds - before.engine_seconds;
  log.info(fmt::format("{}chunk {}: {} decided (ids {}..{}) in {:.2f}s, engine {:.2f}s{}", dry_run ? "dry-run " : "",
                       image_kind_name(kind), decided, first_id, last_id, seconds, engine, counts_text(counts)),
           {{"event", json::quote("chunk")},
            {"kind", json::quote(image_kind_name(kind))},
            {"dry_run", dry_run ? "true" : "false"},
            {"decided", std::to_string(decided)},
            {"first_id", std::to_string(first_id)},
            {"last_id", std::to_string(last_id)},
            {"seconds", json::number(seconds, 3)},
            {"engine_seconds", json::number(engine, 3)},
            {"counts", counts_json(counts)}});
}

void log_pass(Logger& log, ImageKind kind, const PassSummary& s, bool dry_run) {
  const double rate = s.seconds > 0 ? static_cast<double>(s.decided) / s.seconds : 0.0;
  log.info(format_summary(kind, s, dry_run), {{"event", json::quote("pass")},
                                              {"kind", json::quote(image_kind_name(kind))},
                                              {"dry_run", dry_run ? "true" : "false"},
                                              {"decided", std::to_string(s.decided)},
                                              {"seconds", json::number(s.seconds, 3)},
                                              {"engine_seconds", json::number(s.engine_seconds, 3)},
                                              {"rows_per_second", json::number(rate, 2)},
                                              {"counts", counts_json(s.counts)},
                                              {"released", std::to_string(s.released)},
                                              {"reclaimed", std::to_string(s.reclaimed)},
                                              {"swept", std::to_string(s.swept)},
                                              {"interrupted", s.interrupted ? "true" : "false"}});
}

}  // namespace biosense
