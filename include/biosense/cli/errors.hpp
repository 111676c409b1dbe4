#pragma once
#include <stdexcept>

namespace biosense {

/// A mistake in how biosense was called or configured: exit 1.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace biosense
