/// `biosense alerts list` and `biosense alerts ack`: the watch's open alerts
/// (issue 8), read and acknowledged through WatchStore (storage/alerts.hpp).
#include <cstdlib>
#include <ostream>

#include <fmt/format.h>

#include "biosense/cli/commands.hpp"
#include "biosense/cli/exit_code.hpp"
#include "biosense/storage/alerts.hpp"
#include "biosense/storage/db_url.hpp"
#include "biosense/util/json.hpp"

namespace biosense {
namespace {

std::string optional_json(const std::optional<std::string>& value) {
  return value ? json::quote(*value) : std::string("null");
}

std::string as_text(const AlertRecord& a) {
  return fmt::format("alert {} {} lan_id={} window=({}, {}] runs={} evidence={} scores={} detail={}", a.id,
                     alert_kind_name(a.kind), json::quote(a.lan_id), a.window_start, a.window_end, a.runs,
                     a.evidence_ids.empty() ? "-" : format_evidence_ids(a.evidence_ids),
                     a.scores.empty() ? "{}" : a.scores, json::quote(a.detail));
}

std::string as_json(const AlertRecord& a) {
  std::string evidence;
  for (const auto id : a.evidence_ids) evidence += (evidence.empty() ? "" : ",") + std::to_string(id);
  return fmt::format(
      R"({{"id":{},"kind":{},"lan_id":{},"window_start":{},"window_end":{},"runs":{},"evidence_ids":[{}],)"
      R"("scores":{},"detail":{},"created_at":{},"acknowledged_by":{},"acknowledged_at":{}}})",
      a.id, json::quote(alert_kind_name(a.kind)), json::quote(a.lan_id), json::quote(a.window_start),
      json::quote(a.window_end), a.runs, evidence, a.scores.empty() ? "{}" : a.scores, json::quote(a.detail),
      json::quote(a.created_at), optional_json(a.acknowledged_by), optional_json(a.acknowledged_at));
}

/// --by, else $USER, else "unknown": an acknowledgement always names someone.
std::string acknowledger(const std::string& by) {
  if (!by.empty()) return by;
  const char* user = std::getenv("USER");
  return user != nullptr && *user != '\0' ? std::string(user) : std::string("unknown");
}

}  // namespace

int run_alerts_list(const CommandContext& ctx, const AlertsListOptions& o) {
  const auto store = open_watch_store(resolve_db_url_from_environment(ctx.global.db_url));
  const auto alerts = store->open_alerts(o.lan_id.empty() ? std::nullopt : std::optional<std::string>(o.lan_id));
  for (const auto& alert : alerts)
    ctx.out << (o.format == AlertsFormat::Json ? as_json(alert) : as_text(alert)) << '\n';
  ctx.out << std::flush;
  ctx.log.info(fmt::format("{} open alert(s){}", alerts.size(),
                           o.lan_id.empty() ? "" : fmt::format(" for {}", json::quote(o.lan_id))));
  return to_int(ExitCode::Ok);
}

int run_alerts_ack(const CommandContext& ctx, const AlertsAckOptions& o) {
  const auto store = open_watch_store(resolve_db_url_from_environment(ctx.global.db_url));
  const std::string by = acknowledger(o.by);
  std::size_t missing = 0;
  for (const auto id : o.ids) {
    if (store->acknowledge_alert(id, by)) {
      ctx.out << fmt::format("acknowledged alert {} by {}\n", id, json::quote(by));
    } else {
      ++missing;
      ctx.log.warn(fmt::format("alert {}: no open alert has this id (unknown, or already acknowledged)", id));
    }
  }
  ctx.out << std::flush;
  return to_int(missing == 0 ? ExitCode::Ok : ExitCode::Usage);
}

}  // namespace biosense
