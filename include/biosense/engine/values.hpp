#pragma once
/// Dlib-free values shared by the engine, the pipeline and storage.
#include <cstdint>
#include <string>
#include <vector>

namespace biosense {

using Bytes = std::vector<std::uint8_t>;

/// Why an input could not be turned into pixels. A value, not an exception:
/// bad photos are expected input for this tool.
struct InvalidImage {
  std::string reason;
};

}  // namespace biosense
