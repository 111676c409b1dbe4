#include "biosense/util/signals.hpp"

#include <pthread.h>
#include <signal.h>

namespace biosense {
namespace {

sigset_t watched() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);  // used by the destructor to wake the watcher
  return set;
}

}  // namespace

SignalStop::SignalStop() {
  const sigset_t set = watched();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  watcher_ = std::thread([this, set] {
    for (;;) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0) continue;
      if (sig == SIGUSR1 && closing_) return;
      if (sig == SIGINT || sig == SIGTERM) stop_ = true;
    }
  });
}

SignalStop::~SignalStop() {
  closing_ = true;
  pthread_kill(watcher_.native_handle(), SIGUSR1);
  watcher_.join();
  const sigset_t set = watched();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

}  // namespace biosense
