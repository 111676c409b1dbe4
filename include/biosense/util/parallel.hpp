#pragma once
/// Runs work items on N threads, each thread with its own state (an engine):
/// dlib objects are not thread-safe, so nothing mutable is shared.
#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace biosense {

/// Threads to use for a `--cpus`/`--threads` value: n >= 1 as given, anything
/// else means every core.
int resolve_threads(int requested);

/// Calls `work(state, i)` for every i in [0, count) on `threads` threads; each
/// thread builds its state once with `make_state()`. The first exception thrown
/// stops further items and is rethrown here after every thread has joined.
template <typename MakeState, typename Work>
void parallel_for(std::size_t count, int threads, MakeState make_state, Work work) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::mutex error_mutex;
  auto run = [&] {
    try {
      auto state = make_state();
      for (std::size_t i = next++; i < count && !failed; i = next++) work(state, i);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!first_error) first_error = std::current_exception();
      failed = true;
    }
  };
  const std::size_t n = std::max<std::size_t>(1, std::min<std::size_t>(static_cast<std::size_t>(threads), count));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < n; ++t) pool.emplace_back(run);
  run();
  for (auto& t : pool) t.join();
  if (first_error) std::rethrow_exception(first_error);
}

/// A make_state for parallel_for that lends each thread its own element of
/// `items` (one engine per thread). `items` must outlive the parallel_for and
/// hold at least as many elements as threads.
template <typename T>
auto lend_each(const std::vector<T>& items) {
  auto next = std::make_shared<std::atomic<std::size_t>>(0);
  return [&items, next] { return items.at((*next)++ % items.size()); };
}

/// Limits BLAS (OpenBLAS) to one thread: our engines are the parallelism,
/// and an encoder whose OpenBLAS spreads over idle cores
/// spins them for no gain (one engine, --threads 1 on 2 cores: 2-3x the
/// CPU per snapshot, no faster; docs/performance.md). No-op with another BLAS.
void limit_blas_threads();

}  // namespace biosense
