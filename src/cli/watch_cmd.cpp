/// `biosense watch`: impersonation and motion alerts (issue 8), once or in a loop.
#include <ostream>
#include <thread>

#include <fmt/format.h>

#include "biosense/cli/commands.hpp"
#include "biosense/cli/errors.hpp"
#include "biosense/cli/exit_code.hpp"
#include "biosense/engine/face_shape.hpp"
#include "biosense/storage/db_url.hpp"
#include "biosense/util/json.hpp"
#include "biosense/util/parallel.hpp"
#include "biosense/util/signals.hpp"
#include "biosense/watch/watch.hpp"

namespace biosense {
namespace {

/// The line printed for each alert: "alert" (stored, with its id and whether
/// it is new or extended an open one) or "would raise" (--dry-run).
std::string describe(const RaisedAlert& r) {
  const AlertRecord& a = r.alert;
  std::string head = "would raise";
  if (r.written) head = fmt::format("alert {} ({})", r.written->id, r.written->inserted ? "new" : "extended");
  return fmt::format("{} {} lan_id={} window=({}, {}] evidence={} scores={} detail={}", head, alert_kind_name(a.kind),
                     json::quote(a.lan_id), a.window_start, a.window_end,
                     a.evidence_ids.empty() ? "-" : format_evidence_ids(a.evidence_ids), a.scores,
                     json::quote(a.detail));
}

}  // namespace

int run_watch_command(const CommandContext& ctx, const WatchCommandOptions& o) {
  SignalStop stop;  // before any thread starts, so every thread inherits the mask
  const std::string url = resolve_db_url_from_environment(ctx.global.db_url);
  const std::string shown = parse_db_url(url).redacted();  // UsageError before loading anything
  if (!o.at.empty()) {
    try {
      (void)shift_timestamp(o.at, 0);
    } catch (const std::invalid_argument& e) {
      throw UsageError(fmt::format("--at: {}", e.what()));
    }
  }
  limit_blas_threads();
  FaceShapeEngine engine(Models::load(ctx.global.models_dir), ShapeModel68::load(ctx.global.models_dir));
  const auto store = open_watch_store(url);
  ctx.log.debug(
      fmt::format("watch: database {}, window {} s, {} frames", shown, o.watch.window.count(), o.watch.frames));
  for (;;) {
    const auto started = std::chrono::steady_clock::now();
    const WatchRun run = run_watch(*store, engine, o.watch, o.at, o.dry_run, stop.flag());
    for (const auto& alert : run.alerts) ctx.out << describe(alert) << '\n';
    for (const auto& skip : run.skipped)
      ctx.out << fmt::format("skip {} lan_id={}: {}\n", alert_kind_name(skip.check), json::quote(skip.lan_id),
                             skip.reason);
    ctx.out << std::flush;
    std::size_t inserted = 0;
    for (const auto& alert : run.alerts) inserted += alert.written && alert.written->inserted ? 1u : 0u;
    ctx.log.info(fmt::format("{}watch ({}, {}]: {} agent(s), {} alert(s) ({} new, {} extended), {} check(s) skipped{}",
                             o.dry_run ? "dry-run " : "", run.window_start, run.window_end, run.agents,
                             run.alerts.size(), inserted, o.dry_run ? std::size_t{0} : run.alerts.size() - inserted,
                             run.skipped.size(), run.interrupted ? ", interrupted" : ""));
    if (!o.loop || stop.requested()) break;
    const auto next = started + std::chrono::duration<double>(o.interval);
    while (!stop.requested() && std::chrono::steady_clock::now() < next)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (stop.requested()) break;
  }
  return to_int(stop.requested() && !o.loop ? ExitCode::Interrupted : ExitCode::Ok);
}

}  // namespace biosense
