#include "parse_queue.hpp"

#include "parse_run.hpp"

#include <map>

namespace biosense::cli {
namespace {

/// A queue name RabbitMQ accepts: 1..200 bytes of letters, digits, '.', '_', '-', ':'.
std::string check_queue_prefix(const std::string& prefix) {
  if (prefix.size() > 200) return "the queue prefix is longer than 200 characters";
  for (char c : prefix) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-' || c == ':';
    if (!ok) return "the queue prefix may hold letters, digits, '.', '_', '-' and ':' only";
  }
  return {};
}

}  // namespace

CLI::App* add_consume(CLI::App& app, ConsumeOptions& o) {
  auto* cmd = app.add_subcommand("consume", "Decide images whose ids arrive on RabbitMQ queues, until SIGTERM");
  cmd->add_option("--queues", o.queues, "Queues to consume: facestreaming and/or facetraining")
      ->delimiter(',')
      ->check(CLI::IsMember({"facestreaming", "facetraining"}))
      ->capture_default_str();
  cmd->add_option("--queue-prefix", o.queue_prefix, "Prepended to every queue name (also the dead-letter queues)")
      ->check(check_queue_prefix);
  cmd->add_option("--consumers", o.consumers, "Consumer threads, each with its own connections and engine")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--prefetch", o.prefetch, "Unacked messages each consumer may hold")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--max-attempts", o.max_attempts, "Failed attempts before a message goes to <queue>.dead")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--exit-when-idle", o.exit_when_idle,
                  "Stop once no message came for this many seconds (0: run until SIGTERM/SIGINT)")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  add_decider_options(cmd, o.decider);
  return cmd;
}

CLI::App* add_publish(CLI::App& app, PublishOptions& o, PublishFlags& f) {
  static const std::map<std::string, ImageKind> kModes{{"stream", ImageKind::Stream}, {"train", ImageKind::Train}};
  auto* cmd = app.add_subcommand("publish", "Send image ids to the facestreaming/facetraining queue");
  cmd->add_option("--mode", o.kind, "stream (facestreaming) or train (facetraining)")
      ->transform(CLI::CheckedTransformer(kModes, CLI::ignore_case));
  auto* which = cmd->add_option_group("rows", "Which ids to send");
  which->add_flag("--pending", o.pending, "Every pending (N) row now: feeds an existing backlog");
  which->add_option("--ids", f.ids, "Comma-separated ids");
  which->require_option(1);
  cmd->add_option("--queue-prefix", o.queue_prefix, "Prepended to the queue name")->check(check_queue_prefix);
  return cmd;
}

void finish_publish(PublishOptions& o, const PublishFlags& f) {
  if (o.pending) return;
  o.ids = parse_id_list(f.ids, "--ids");
  if (o.ids.empty()) throw CLI::ValidationError("--ids", "no ids given");
}

}  // namespace biosense::cli
