#pragma once
/// One DlibEngine per worker thread, built once and lent out to parallel_for.
#include <memory>
#include <vector>

#include "biosense/engine/dlib_engine.hpp"
#include "biosense/util/parallel.hpp"

namespace biosense {

class EnginePool {
 public:
  EnginePool(const std::shared_ptr<const Models>& models, const EngineOptions& options, int threads) {
    for (int i = 0; i < threads; ++i) {
      owned_.push_back(std::make_unique<DlibEngine>(models, options));
      engines_.push_back(owned_.back().get());
    }
  }
  int size() const { return static_cast<int>(engines_.size()); }
  void set_options(const EngineOptions& options) {
    for (auto* engine : engines_) engine->set_options(options);
  }
  /// A make_state for parallel_for: each thread gets its own engine.
  auto lender() const { return lend_each(engines_); }

 private:
  std::vector<std::unique_ptr<DlibEngine>> owned_;
  std::vector<DlibEngine*> engines_;
};

}  // namespace biosense
