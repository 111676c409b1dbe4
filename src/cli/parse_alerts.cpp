#include "parse_alerts.hpp"

#include "parse_run.hpp"

#include <map>

namespace biosense::cli {

AlertsCommands add_alerts(CLI::App& app, AlertsListOptions& list, AlertsAckOptions& ack, AlertsFlags& f) {
  static const std::map<std::string, AlertsFormat> kFormats{{"text", AlertsFormat::Text}, {"json", AlertsFormat::Json}};
  auto* alerts = app.add_subcommand("alerts", "The watch's open alerts: list them, acknowledge them");
  alerts->require_subcommand(1);
  AlertsCommands cmds;
  cmds.list = alerts->add_subcommand("list", "Print the open (unacknowledged) alerts, newest window first");
  cmds.list->add_option("--lan-id", list.lan_id, "Only this agent's alerts");
  cmds.list->add_option("--format", list.format, "text (one line per alert) or json (one object per line)")
      ->transform(CLI::CheckedTransformer(kFormats, CLI::ignore_case));
  cmds.ack = alerts->add_subcommand("ack", "Mark alerts handled, so the watch raises a new one next time");
  cmds.ack->add_option("ids", f.ids, "Comma-separated alert ids")->required();
  cmds.ack->add_option("--by", ack.by, "Who handled them (default: $USER)");
  return cmds;
}

void finish_alerts_ack(AlertsAckOptions& ack, const AlertsFlags& f) {
  ack.ids = parse_id_list(f.ids, "ids");
  if (ack.ids.empty()) throw CLI::ValidationError("ids", "no alert ids given");
}

}  // namespace biosense::cli
