#pragma once
/// Queues on the real RabbitMQ for one test: names unique to this process and
/// test (so parallel test runs of other checkouts never share a queue),
/// deleted with their messages when the test ends.
///
/// Broker: $BIOSENSE_TEST_AMQP_URL, default amqp://guest:guest@127.0.0.1:5672/%2f.
#include <memory>
#include <string>
#include <vector>

#include "biosense/queue/amqp.hpp"

namespace biosense::test {

queue::AmqpUrl test_amqp_url();
/// The same as text, for the binary's --amqp.
std::string test_amqp_url_text();

class TestQueues {
 public:
  TestQueues();   ///< declares the four queues (stream, train and their .dead)
  ~TestQueues();  ///< deletes them
  TestQueues(const TestQueues&) = delete;
  TestQueues& operator=(const TestQueues&) = delete;

  /// For --queue-prefix.
  const std::string& prefix() const { return prefix_; }
  std::string stream() const { return prefix_ + "facestreaming"; }
  std::string train() const { return prefix_ + "facetraining"; }

  /// Publishes persistent messages and waits for the broker's confirms.
  void publish(const std::string& queue, const std::vector<std::string>& bodies, const queue::MessageHeaders& h = {});
  void publish_ids(const std::string& queue, const std::vector<std::int64_t>& ids);
  /// Ready messages in `queue` now.
  std::uint32_t count(const std::string& queue);
  /// Takes every ready message out of `queue` (acked), in order.
  std::vector<queue::Delivery> take_all(const std::string& queue);

 private:
  queue::AmqpConnection& channel();
  std::string prefix_;
  std::unique_ptr<queue::AmqpConnection> channel_;
};

/// Stops the RabbitMQ application (`rabbitmqctl stop_app`) for a restart
/// test; the destructor starts it again and waits until it accepts
/// connections, also when the test fails in between.
class RabbitPause {
 public:
  RabbitPause();
  ~RabbitPause();
  RabbitPause(const RabbitPause&) = delete;
  RabbitPause& operator=(const RabbitPause&) = delete;
  /// Starts it again now; returns whether it answers again.
  bool resume();

 private:
  bool stopped_ = false;
};

}  // namespace biosense::test
