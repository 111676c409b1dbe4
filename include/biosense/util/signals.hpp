#pragma once
/// SIGINT/SIGTERM -> a stop flag. A handler writes one byte to a pipe and a
/// watcher thread sets the flag (the self-pipe pattern). A signal mask alone
/// cannot do it: OpenBLAS starts threads before main() that would take the
/// signal with its default action and kill the process.
///
/// The pipe's write end is the one piece of process-wide state (a signal
/// handler has nowhere else to look); at most one SignalStop may exist.
#include <atomic>
#include <csignal>
#include <thread>

namespace biosense {

class SignalStop {
 public:
  SignalStop();
  ~SignalStop();  ///< restores the previous handlers and stops the watcher
  SignalStop(const SignalStop&) = delete;
  SignalStop& operator=(const SignalStop&) = delete;
  const std::atomic<bool>& flag() const { return stop_; }
  bool requested() const { return stop_; }

 private:
  std::atomic<bool> stop_{false};
  int read_fd_ = -1;
  int write_fd_ = -1;
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
  std::thread watcher_;
};

}  // namespace biosense
