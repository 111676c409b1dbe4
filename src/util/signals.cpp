#include "biosense/util/signals.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace biosense {
namespace {

/// Write end of the current SignalStop's pipe, for the handler only.
std::atomic<int> g_signal_pipe{-1};

extern "C" void on_stop_signal(int) {
  const int saved = errno;
  const int fd = g_signal_pipe.load();
  if (fd >= 0) {
    const char byte = 's';
    [[maybe_unused]] const ssize_t n = write(fd, &byte, 1);  // async-signal-safe
  }
  errno = saved;
}

}  // namespace

SignalStop::SignalStop() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("cannot create the signal pipe");
  read_fd_ = fds[0];
  write_fd_ = fds[1];
  int expected = -1;
  if (!g_signal_pipe.compare_exchange_strong(expected, write_fd_)) {
    close(read_fd_);
    close(write_fd_);
    throw std::logic_error("only one SignalStop may exist at a time");
  }
  watcher_ = std::thread([this] {
    char byte = 0;
    for (;;) {
      const ssize_t n = read(read_fd_, &byte, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0 || byte == 'q') return;
      stop_ = true;
    }
  });
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, &old_int_);
  sigaction(SIGTERM, &action, &old_term_);
}

SignalStop::~SignalStop() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
  g_signal_pipe = -1;
  const char quit = 'q';
  [[maybe_unused]] const ssize_t n = write(write_fd_, &quit, 1);
  watcher_.join();
  close(read_fd_);
  close(write_fd_);
}

}  // namespace biosense
