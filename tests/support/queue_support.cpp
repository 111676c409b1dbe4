#include "support/queue_support.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <catch2/catch.hpp>

namespace biosense::test {
namespace {

std::string unique_prefix() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return fmt::format("biosense-test-{}-{}-{:06x}-", getpid(), ++counter, rd() & 0xffffffu);
}

bool broker_answers() {
  try {
    queue::AmqpConnection probe(test_amqp_url(), std::chrono::seconds(0));
    return true;
  } catch (const queue::QueueError&) {
    return false;
  }
}

}  // namespace

std::string test_amqp_url_text() {
  const char* env = std::getenv("BIOSENSE_TEST_AMQP_URL");
  return env != nullptr && env[0] != '\0' ? env : queue::kDefaultAmqpUrl;
}

queue::AmqpUrl test_amqp_url() { return queue::parse_amqp_url(test_amqp_url_text()); }

TestQueues::TestQueues() : prefix_(unique_prefix()) {
  for (const auto& q : {stream(), train(), stream() + ".dead", train() + ".dead"}) channel().declare_queue(q);
}

TestQueues::~TestQueues() {
  try {
    channel_.reset();  // a fresh connection: the old one may have seen the broker restart
    for (const auto& q : {stream(), train(), stream() + ".dead", train() + ".dead"}) channel().delete_queue(q);
  } catch (const std::exception& e) {
    WARN("could not delete the test queues " << prefix_ << "*: " << e.what());
  }
}

queue::AmqpConnection& TestQueues::channel() {
  if (!channel_) {
    channel_ = std::make_unique<queue::AmqpConnection>(test_amqp_url(), std::chrono::seconds(0));
    channel_->enable_confirms();
  }
  return *channel_;
}

void TestQueues::publish(const std::string& queue, const std::vector<std::string>& bodies,
                         const queue::MessageHeaders& h) {
  for (const auto& body : bodies) channel().publish(queue, body, h);
  channel().wait_for_confirms(std::chrono::seconds(30));
}

void TestQueues::publish_ids(const std::string& queue, const std::vector<std::int64_t>& ids) {
  std::vector<std::string> bodies;
  for (auto id : ids) bodies.push_back(std::to_string(id));
  publish(queue, bodies);
}

std::uint32_t TestQueues::count(const std::string& queue) {
  channel_.reset();  // fresh: counts after other connections closed
  return channel().message_count(queue);
}

std::vector<queue::Delivery> TestQueues::take_all(const std::string& queue) {
  queue::AmqpConnection reader(test_amqp_url(), std::chrono::seconds(0));
  reader.consume(queue);
  std::vector<queue::Delivery> out;
  while (auto d = reader.next(std::chrono::milliseconds(1000))) {
    reader.ack(d->delivery_tag);
    out.push_back(std::move(*d));
  }
  return out;
}

RabbitPause::RabbitPause() {
  stopped_ = std::system("rabbitmqctl -q stop_app >/dev/null 2>&1") == 0;
  REQUIRE(stopped_);
}

bool RabbitPause::resume() {
  if (!stopped_) return true;
  const int rc = std::system("rabbitmqctl -q start_app >/dev/null 2>&1");
  stopped_ = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (broker_answers()) return rc == 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return false;
}

RabbitPause::~RabbitPause() {
  if (stopped_) resume();
}

}  // namespace biosense::test
