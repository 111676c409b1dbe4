#pragma once
/// face_encoding.encoding: 128 float32, little-endian, whatever the host.
#include <optional>
#include <string>

#include "biosense/engine/face.hpp"

namespace biosense::storage {

inline constexpr std::size_t kEncodingBlobSize = kEncodingSize * 4;

std::string encoding_to_blob(const Encoding& encoding);
/// nullopt unless `blob` is exactly kEncodingBlobSize bytes.
std::optional<Encoding> encoding_from_blob(const std::string& blob);

/// Bytes <-> the std::string SOCI binds (both backends take binary strings).
std::string bytes_to_string(const Bytes& bytes);
Bytes string_to_bytes(const std::string& s);

}  // namespace biosense::storage
