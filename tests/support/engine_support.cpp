#include "support/engine_support.hpp"

#include <catch2/catch.hpp>
#include <mutex>

namespace biosense::test {

std::shared_ptr<const Models> shared_models() {
  static std::once_flag once;
  static std::shared_ptr<const Models> models;
  static std::string failure;
  std::call_once(once, [] {
    try {
      models = Models::load();
    } catch (const ModelError& e) {
      failure = e.what();
    }
  });
  if (!models) FAIL("model weights unavailable (run scripts/setup.sh): " << failure);
  return models;
}

}  // namespace biosense::test
