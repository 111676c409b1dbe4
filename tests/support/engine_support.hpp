#pragma once
/// The real model weights, loaded once per test process (they take ~1 s).
#include <memory>

#include "biosense/engine/dlib_engine.hpp"

namespace biosense::test {

/// Fails the test with setup instructions when the weights are missing.
std::shared_ptr<const Models> shared_models();

}  // namespace biosense::test
