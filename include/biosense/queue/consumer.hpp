#pragma once
/// A queue consumer (`biosense consume`): one AMQP connection, one database
/// connection and one engine, on one thread. Each message carries one image
/// id; the consumer claims that row (Repository::claim_one, the pass's
/// claim), decides it with the pass's Decider, commits, and only then acks.
///
/// Per message:
/// - malformed body, unknown id, row already decided, row claimed by a live
///   worker: acked and logged, never fatal;
/// - a failure (database error, staging error, benchmark busy): the row is
///   released, and the message is published again to its queue with
///   x-biosense-attempts + 1, or, at max_attempts, to "<queue>.dead" with
///   x-biosense-reason; then the original is acked;
/// - the database lost: the consumer reconnects with backoff before it
///   republishes, so an outage costs each in-flight message one attempt;
/// - RabbitMQ lost: reconnect with backoff; unacked messages come back
///   (a decided row's redelivery is then "already decided").
/// Stops taking messages when `should_stop()` is true; the one in flight is
/// finished first.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "biosense/calibration/calibration.hpp"
#include "biosense/engine/face.hpp"
#include "biosense/pass/decide.hpp"
#include "biosense/pass/gallery_cache.hpp"
#include "biosense/pass/workspace.hpp"
#include "biosense/queue/amqp.hpp"
#include "biosense/storage/repository.hpp"
#include "biosense/util/log.hpp"

namespace biosense::queue {

/// The queue names of DESIGN.md and the image kinds they carry.
inline constexpr const char* kStreamQueue = "facestreaming";
inline constexpr const char* kTrainQueue = "facetraining";
/// The dead-letter queue of `queue`.
std::string dead_letter_queue(const std::string& queue);

struct QueueBinding {
  std::string name;  ///< the queue's full name (prefix included)
  ImageKind kind = ImageKind::Stream;
};

struct ConsumerOptions {
  std::vector<QueueBinding> queues;
  std::uint16_t prefetch = 1;
  int max_attempts = 5;  ///< failed attempts before a message goes to the dead-letter queue
  std::string host;      ///< this machine, for the dead-process rule
  std::string worker;    ///< claimed_by: "<host>:<pid>/c<N>"
  std::chrono::seconds lease{600};
  DecisionPolicy policy;
  std::filesystem::path data_dir = "Data";
  bool keep_files = false;
  std::chrono::milliseconds poll{200};           ///< how often should_stop() is looked at while idle
  std::chrono::milliseconds max_backoff{10000};  ///< reconnect delays double up to this
  std::chrono::milliseconds busy_wait{1000};     ///< before retrying a row whose benchmark is being validated
  std::chrono::milliseconds exit_when_idle{0};   ///< > 0: run() returns after this long without a message
  /// The gallery check's gallery is kept between messages and read again
  /// once it is this old (pass/gallery_cache.hpp says why 60 s).
  std::chrono::seconds gallery_refresh = kGalleryRefresh;
};

struct ConsumerStats {
  std::size_t decided = 0;        ///< rows decided and committed
  std::size_t skipped = 0;        ///< acked without deciding (malformed, unknown, already decided, claimed)
  std::size_t retried = 0;        ///< republished after a failure
  std::size_t dead_lettered = 0;  ///< sent to a dead-letter queue
  std::size_t reconnects = 0;     ///< AMQP or database reconnections
  /// When the first message arrived and the last one was finished (for rates).
  std::optional<std::chrono::steady_clock::time_point> first_message, last_done;
  ConsumerStats& operator+=(const ConsumerStats& other);
};

class Consumer {
 public:
  using OpenRepository = std::function<std::unique_ptr<Repository>()>;

  /// `open_repository` is called at the start and after the database fails;
  /// `engine` is used from run()'s thread only.
  Consumer(AmqpUrl url, OpenRepository open_repository, FaceEngine& engine, const Calibration& calibration,
           ConsumerOptions options, Logger& log, std::function<bool()> should_stop);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  /// Consumes until should_stop(). Throws StorageError/QueueError only when
  /// the first connections fail (a configuration problem); later losses are
  /// retried with backoff.
  ConsumerStats run();

 private:
  /// Connects, declares, consumes until should_stop(); throws QueueError when
  /// the connection is lost. Sets `connected` once consuming has started.
  void consume_until_lost(bool& connected);
  void handle(AmqpConnection& channel, const Delivery& delivery, ImageKind kind);
  /// Decides the claimed row; false when it must be retried (benchmark busy).
  bool decide_and_commit(const ImageRow& row, std::string& why_not);
  void retry_or_dead_letter(AmqpConnection& channel, const Delivery& delivery, const std::string& reason);
  void reopen_database();
  /// Sleeps `d` unless should_stop() turns true first; returns !should_stop().
  bool pause(std::chrono::milliseconds d);

  AmqpUrl url_;
  OpenRepository open_repository_;
  FaceEngine& engine_;
  const Calibration& calibration_;
  ConsumerOptions options_;
  Logger& log_;
  std::function<bool()> should_stop_;
  Workspace workspace_;
  GalleryCache gallery_;  ///< outlives the per-message deciders and database reconnections
  std::unique_ptr<Repository> repo_;
  std::chrono::milliseconds backoff_;
  bool idle_ = false;                          ///< exit_when_idle reached
  std::unique_ptr<AmqpConnection> publisher_;  ///< confirm-mode connection for retries and dead letters
  ConsumerStats stats_;
};

}  // namespace biosense::queue
