#pragma once
/// A thin RAII layer over rabbitmq-c: one connection with one channel,
/// durable queues, persistent messages, publisher confirms, manual acks.
/// Knows nothing of images or databases.
///
/// Thread-safety: none. One AmqpConnection per thread (rabbitmq-c's rule).
/// Errors: every failure of the broker or the socket throws QueueError,
/// whose message never contains the password.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace biosense::queue {

/// RabbitMQ is unreachable or refused an operation: exit code 2.
class QueueError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The default broker: DESIGN.md's local RabbitMQ.
inline constexpr const char* kDefaultAmqpUrl = "amqp://guest:guest@127.0.0.1:5672/%2f";

/// "amqp://USER:PASSWORD@HOST[:PORT]/VHOST" (VHOST percent-encoded, "%2f" = "/").
struct AmqpUrl {
  std::string host;
  int port = 5672;
  std::string user;
  std::string password;
  std::string vhost = "/";
  /// The URL with the password replaced by "***": the only form that is logged.
  std::string redacted() const;
};

/// Parses an amqp:// URL; throws UsageError (cli/errors.hpp) when malformed.
/// amqps:// (TLS) is not supported and is a UsageError too.
AmqpUrl parse_amqp_url(const std::string& url);

/// The URL to use: `flag` when non-empty, else $BIOSENSE_AMQP_URL when set
/// and non-empty, else kDefaultAmqpUrl.
std::string resolve_amqp_url(const std::string& flag);

/// The headers biosense reads and writes.
struct MessageHeaders {
  int attempts = 0;    ///< x-biosense-attempts: failed attempts so far (absent = 0)
  std::string reason;  ///< x-biosense-reason: why it was retried or dead-lettered
};

/// One delivery, to be acked with its tag on the connection that received it.
struct Delivery {
  std::string queue;  ///< the queue it came from (the consumer tag is the queue name)
  std::string body;
  std::uint64_t delivery_tag = 0;
  bool redelivered = false;
  MessageHeaders headers;
};

class AmqpConnection {
 public:
  /// Opens the TCP connection, logs in and opens channel 1. `heartbeat` 0
  /// disables heartbeats (a connection that may idle between calls).
  AmqpConnection(const AmqpUrl& url, std::chrono::seconds heartbeat);
  ~AmqpConnection();  ///< closes the channel and the connection; unacked deliveries go back to their queue
  AmqpConnection(const AmqpConnection&) = delete;
  AmqpConnection& operator=(const AmqpConnection&) = delete;

  /// Declares a durable queue (no arguments); a no-op if it exists alike.
  void declare_queue(const std::string& name);
  /// Messages in a queue now (ready, not the unacked ones); the queue must exist.
  std::uint32_t message_count(const std::string& name);
  /// Deletes a queue and its messages (tests and benchmarks clean up with it).
  void delete_queue(const std::string& name);

  /// At most `prefetch` unacked deliveries on this channel.
  void set_prefetch(std::uint16_t prefetch);
  /// Starts consuming `queue` with manual acks (consumer tag = queue name).
  void consume(const std::string& queue);
  /// The next delivery, or nullopt when none came within `timeout`.
  std::optional<Delivery> next(std::chrono::milliseconds timeout);
  void ack(std::uint64_t delivery_tag);

  /// Puts the channel in confirm mode: every publish() is then confirmed by
  /// the broker, and wait_for_confirms() waits for those confirmations.
  void enable_confirms();
  /// Publishes a persistent message to `queue` through the default exchange.
  void publish(const std::string& queue, const std::string& body, const MessageHeaders& headers = {});
  /// Waits until the broker has confirmed every message published so far;
  /// throws QueueError on a negative confirmation or after `timeout`.
  void wait_for_confirms(std::chrono::milliseconds timeout);

  const std::string& redacted_url() const { return redacted_url_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::string redacted_url_;
};

}  // namespace biosense::queue
