/// The consumer loop: message -> claim_one -> Decider -> commit -> ack.
#include "biosense/queue/consumer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "biosense/pass/decider.hpp"
#include "biosense/storage/claims.hpp"

namespace biosense::queue {
namespace {

constexpr std::chrono::milliseconds kFirstBackoff{250};
constexpr std::chrono::milliseconds kConfirmTimeout{30000};
constexpr std::chrono::seconds kHeartbeat{30};

/// The image id a message body carries: decimal digits, surrounding
/// whitespace allowed. nullopt for anything else.
std::optional<std::int64_t> parse_id(const std::string& body) {
  const auto first = body.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return std::nullopt;
  const auto last = body.find_last_not_of(" \t\r\n");
  const std::string text = body.substr(first, last - first + 1);
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t id = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + (c - '0');
  }
  if (id <= 0) return std::nullopt;
  return id;
}

/// A message body as it may appear in a log line: short, printable.
std::string shown_body(const std::string& body) {
  std::string out;
  for (char c : body.substr(0, 40)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  if (body.size() > 40) out += "...";
  return out;
}

}  // namespace

std::string dead_letter_queue(const std::string& queue) { return queue + ".dead"; }

ConsumerStats& ConsumerStats::operator+=(const ConsumerStats& o) {
  decided += o.decided;
  skipped += o.skipped;
  retried += o.retried;
  dead_lettered += o.dead_lettered;
  reconnects += o.reconnects;
  if (o.first_message && (!first_message || *o.first_message < *first_message)) first_message = o.first_message;
  if (o.last_done && (!last_done || *o.last_done > *last_done)) last_done = o.last_done;
  return *this;
}

Consumer::Consumer(AmqpUrl url, OpenRepository open_repository, FaceEngine& engine, const Calibration& calibration,
                   ConsumerOptions options, Logger& log, std::function<bool()> should_stop)
    : url_(std::move(url)),
      open_repository_(std::move(open_repository)),
      engine_(engine),
      calibration_(calibration),
      options_(std::move(options)),
      log_(log),
      should_stop_(std::move(should_stop)),
      workspace_(options_.data_dir, options_.keep_files),
      gallery_(options_.gallery_refresh),
      backoff_(kFirstBackoff) {
  if (options_.queues.empty()) throw std::invalid_argument("a consumer needs at least one queue");
  if (options_.max_attempts < 1) options_.max_attempts = 1;
}

Consumer::~Consumer() = default;

bool Consumer::pause(std::chrono::milliseconds d) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (!should_stop_() && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(d, std::chrono::milliseconds(50)));
  return !should_stop_();
}

ConsumerStats Consumer::run() {
  repo_ = open_repository_();  // a database that is down at the start is a failure to report, not to wait for
  bool connected = false;
  while (!should_stop_() && !idle_) {
    try {
      consume_until_lost(connected);
    } catch (const QueueError& e) {
      if (!connected) throw;  // never connected: wrong URL, credentials or broker down at start
      publisher_.reset();
      log_.warn(fmt::format("consumer {}: {}; reconnecting in {} ms", options_.worker, e.what(), backoff_.count()));
      ++stats_.reconnects;
      if (!pause(backoff_)) break;
      backoff_ = std::min(backoff_ * 2, options_.max_backoff);
    }
  }
  return stats_;
}

void Consumer::consume_until_lost(bool& connected) {
  AmqpConnection channel(url_, kHeartbeat);
  for (const auto& q : options_.queues) {
    channel.declare_queue(q.name);
    channel.declare_queue(dead_letter_queue(q.name));
  }
  channel.set_prefetch(options_.prefetch);
  std::string names;
  for (const auto& q : options_.queues) {
    channel.consume(q.name);
    names += (names.empty() ? "" : ",") + q.name;
  }
  if (connected) log_.info(fmt::format("consumer {}: reconnected to {}", options_.worker, channel.redacted_url()));
  connected = true;
  backoff_ = kFirstBackoff;
  log_.debug(fmt::format("consumer {} listening on {} at {}", options_.worker, names, channel.redacted_url()));
  auto last_activity = std::chrono::steady_clock::now();
  while (!should_stop_()) {
    const auto delivery = channel.next(options_.poll);
    if (!delivery) {
      if (options_.exit_when_idle.count() > 0 &&
          std::chrono::steady_clock::now() - last_activity >= options_.exit_when_idle) {
        idle_ = true;
        return;
      }
      continue;
    }
    if (!stats_.first_message) stats_.first_message = std::chrono::steady_clock::now();
    const auto binding = std::find_if(options_.queues.begin(), options_.queues.end(),
                                      [&](const QueueBinding& q) { return q.name == delivery->queue; });
    if (binding == options_.queues.end()) {  // cannot happen: we consume only our queues
      channel.ack(delivery->delivery_tag);
      continue;
    }
    handle(channel, *delivery, binding->kind);
    stats_.last_done = last_activity = std::chrono::steady_clock::now();
  }
}

void Consumer::handle(AmqpConnection& channel, const Delivery& delivery, ImageKind kind) {
  const auto id = parse_id(delivery.body);
  if (!id) {
    log_.warn(fmt::format("{}: malformed message body '{}' (expected an image id); acked and dropped", delivery.queue,
                          shown_body(delivery.body)));
    channel.ack(delivery.delivery_tag);
    ++stats_.skipped;
    return;
  }
  const std::string table = fmt::format("{}_img {}", image_kind_name(kind), *id);
  try {
    if (!repo_) reopen_database();
    if (!repo_) return;  // stopping: not acked, the message goes back to the queue
    SingleClaim claim = repo_->claim_one(kind, *id, options_.worker);
    if (claim.outcome == SingleClaim::Outcome::Busy) {
      // Held by a dead process of this host, or for longer than the lease
      // (a redelivered message whose consumer died): take it back, try again.
      if (repo_->reclaim_stale(kind, options_.lease, options_.host, process_alive) > 0)
        claim = repo_->claim_one(kind, *id, options_.worker);
    }
    switch (claim.outcome) {
      case SingleClaim::Outcome::Missing:
        log_.warn(fmt::format("{}: {} does not exist; acked and dropped", delivery.queue, table));
        break;
      case SingleClaim::Outcome::Decided:
        log_.info(fmt::format("{}: {} is already decided ({} {}); acked", delivery.queue, table,
                              static_cast<char>(claim.status), claim.result.value_or("-")));
        break;
      case SingleClaim::Outcome::Busy:
        log_.info(fmt::format("{}: {} is being decided by {}; acked, left to it", delivery.queue, table,
                              claim.holder.empty() ? "another worker" : claim.holder));
        break;
      case SingleClaim::Outcome::Claimed: {
        std::string why_not;
        if (decide_and_commit(*claim.row, why_not)) {
          channel.ack(delivery.delivery_tag);
          ++stats_.decided;
          return;
        }
        repo_->release(kind, {*id}, options_.worker);
        pause(options_.busy_wait);
        retry_or_dead_letter(channel, delivery, why_not);
        return;
      }
    }
    channel.ack(delivery.delivery_tag);
    ++stats_.skipped;
  } catch (const QueueError&) {
    throw;
  } catch (const StorageError& e) {
    log_.warn(fmt::format("{}: {}: {}; reconnecting to the database", delivery.queue, table, e.what()));
    reopen_database();
    if (!repo_) return;  // stopping before the database came back: not acked, redelivered later
    try {
      repo_->release(kind, {*id}, options_.worker);
    } catch (const StorageError&) {
      // The retry claims it again anyway: a row claimed by this worker is claimable by it.
    }
    retry_or_dead_letter(channel, delivery, fmt::format("database error: {}", e.what()));
  } catch (const std::exception& e) {
    log_.warn(fmt::format("{}: {} failed: {}", delivery.queue, table, e.what()));
    try {
      if (repo_) repo_->release(kind, {*id}, options_.worker);
    } catch (const StorageError&) {
      repo_.reset();  // reopened before the next message
    }
    retry_or_dead_letter(channel, delivery, e.what());
  }
}

bool Consumer::decide_and_commit(const ImageRow& row, std::string& why_not) {
  // A new enrolment photo validated inline counts as decided here: its
  // facetraining message then finds it decided.
  Decider decider(*repo_, {&engine_}, calibration_, DeciderOptions{false, options_.worker, options_.policy, &gallery_},
                  log_, [this](const Decision&) { ++stats_.decided; });
  StagedFiles staged(workspace_);
  const DecidedRows out = decider.decide(row.kind, {row}, staged);
  if (!out.busy.empty()) {
    why_not = "the agent's newest training image is being validated by another worker";
    return false;
  }
  const std::size_t written = repo_->commit_decisions(out.decisions, options_.worker);
  for (const auto& d : out.decisions) {
    if (written == 0)
      log_.warn(fmt::format("{}_img {}: its claim was taken back before the commit; decision not recorded",
                            image_kind_name(d.kind), d.id));
    else if (d.status() == Status::Failed)
      log_.warn(fmt::format("{}_img {} ({}): {} — {}", image_kind_name(d.kind), d.id, d.lan_id,
                            result_code_name(d.result), d.detail));
    else
      log_.debug(
          fmt::format("{}_img {} ({}): {}", image_kind_name(d.kind), d.id, d.lan_id, result_code_name(d.result)));
  }
  return true;
}

void Consumer::retry_or_dead_letter(AmqpConnection& channel, const Delivery& delivery, const std::string& reason) {
  MessageHeaders headers;
  headers.attempts = delivery.headers.attempts + 1;
  headers.reason = reason;
  const bool dead = headers.attempts >= options_.max_attempts;
  const std::string target = dead ? dead_letter_queue(delivery.queue) : delivery.queue;
  try {
    if (!publisher_) {
      publisher_ = std::make_unique<AmqpConnection>(url_, std::chrono::seconds(0));
      publisher_->enable_confirms();
    }
    publisher_->publish(target, delivery.body, headers);
    publisher_->wait_for_confirms(kConfirmTimeout);
  } catch (const QueueError&) {
    publisher_.reset();
    throw;  // the original stays unacked and comes back after the reconnect
  }
  channel.ack(delivery.delivery_tag);  // only after the copy is confirmed: nothing is lost
  if (dead) {
    ++stats_.dead_lettered;
    log_.error(fmt::format("{}: message '{}' dead-lettered to {} after {} attempt(s): {}", delivery.queue,
                           shown_body(delivery.body), target, headers.attempts, reason));
  } else {
    ++stats_.retried;
    log_.info(fmt::format("{}: message '{}' requeued (attempt {} of {}): {}", delivery.queue, shown_body(delivery.body),
                          headers.attempts, options_.max_attempts, reason));
  }
}

void Consumer::reopen_database() {
  repo_.reset();
  auto backoff = kFirstBackoff;
  while (!should_stop_()) {
    try {
      repo_ = open_repository_();
      ++stats_.reconnects;
      log_.info(fmt::format("consumer {}: database connection reopened", options_.worker));
      return;
    } catch (const StorageError& e) {
      log_.warn(fmt::format("consumer {}: {}; retrying in {} ms", options_.worker, e.what(), backoff.count()));
      pause(backoff);
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
  }
}

}  // namespace biosense::queue
