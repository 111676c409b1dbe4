#include "biosense/util/parallel.hpp"

extern "C" void openblas_set_num_threads(int) __attribute__((weak));

namespace biosense {

int resolve_threads(int requested) {
  if (requested >= 1) return requested;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : static_cast<int>(cores);
}

void limit_blas_threads() {
  if (openblas_set_num_threads != nullptr) openblas_set_num_threads(1);
}

}  // namespace biosense
