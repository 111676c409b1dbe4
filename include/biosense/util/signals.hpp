#pragma once
/// SIGINT/SIGTERM -> a stop flag, without a global: the signals are blocked
/// in every thread and one watcher thread waits for them with sigwait().
/// Create it before starting worker threads so they inherit the mask.
#include <atomic>
#include <thread>

namespace biosense {

class SignalStop {
 public:
  SignalStop();
  ~SignalStop();  ///< stops the watcher and restores the signal mask
  SignalStop(const SignalStop&) = delete;
  SignalStop& operator=(const SignalStop&) = delete;
  const std::atomic<bool>& flag() const { return stop_; }
  bool requested() const { return stop_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<bool> closing_{false};
  std::thread watcher_;
};

}  // namespace biosense
