/// `biosense publish`: image ids to the facestreaming/facetraining queue, as
/// persistent messages with publisher confirms.
#include <fmt/format.h>

#include "biosense/cli/commands.hpp"
#include "biosense/cli/exit_code.hpp"
#include "biosense/queue/consumer.hpp"
#include "biosense/storage/db_url.hpp"

namespace biosense {
namespace {

constexpr std::size_t kBatch = 1000;  ///< ids read and confirmed together
constexpr std::chrono::milliseconds kConfirmTimeout{60000};

}  // namespace

int run_publish(const CommandContext& ctx, const PublishOptions& o) {
  const queue::AmqpUrl amqp = queue::parse_amqp_url(queue::resolve_amqp_url(ctx.global.amqp_url));
  const std::string queue_name =
      o.queue_prefix + (o.kind == ImageKind::Train ? queue::kTrainQueue : queue::kStreamQueue);
  std::unique_ptr<Repository> repo;
  if (o.pending) repo = open_repository(resolve_db_url_from_environment(ctx.global.db_url));

  queue::AmqpConnection channel(amqp, std::chrono::seconds(0));
  channel.declare_queue(queue_name);
  channel.declare_queue(queue::dead_letter_queue(queue_name));
  channel.enable_confirms();
  std::size_t sent = 0;
  const auto send = [&](const std::vector<std::int64_t>& ids) {
    for (std::int64_t id : ids) channel.publish(queue_name, std::to_string(id));
    channel.wait_for_confirms(kConfirmTimeout);
    sent += ids.size();
  };
  if (o.pending) {
    std::int64_t after = 0;
    for (;;) {
      const auto ids = repo->pending_ids(o.kind, after, kBatch);
      if (ids.empty()) break;
      send(ids);
      after = ids.back();
    }
  } else {
    for (std::size_t i = 0; i < o.ids.size(); i += kBatch)
      send(std::vector<std::int64_t>(o.ids.begin() + static_cast<std::ptrdiff_t>(i),
                                     o.ids.begin() + static_cast<std::ptrdiff_t>(std::min(i + kBatch, o.ids.size()))));
  }
  ctx.log.info(fmt::format("published {} message(s) to {} at {} (confirmed)", sent, queue_name, amqp.redacted()));
  return to_int(ExitCode::Ok);
}

}  // namespace biosense
