#pragma once
/// Random points on the unit sphere of face encodings: the gallery tests
/// (tests/test_gallery.cpp) and bench/bench_gallery.cpp, where the faces do
/// not matter, only how many there are.
#include <cmath>
#include <random>

#include "biosense/engine/face.hpp"

namespace biosense::test {

/// Reproducible for a given `rng` state.
inline Encoding random_unit_encoding(std::mt19937& rng) {
  std::normal_distribution<float> normal;
  Encoding e{};
  double norm = 0.0;
  for (float& v : e) {
    v = normal(rng);
    norm += static_cast<double>(v) * v;
  }
  for (float& v : e) v = static_cast<float>(v / std::sqrt(norm));
  return e;
}

}  // namespace biosense::test
