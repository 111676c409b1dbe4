/// Byte-order-independent packing of encodings, and Bytes/std::string copies.
#include "encoding_blob.hpp"

#include <cstdint>
#include <cstring>

namespace biosense::storage {

std::string encoding_to_blob(const Encoding& encoding) {
  std::string blob(kEncodingBlobSize, '\0');
  for (std::size_t i = 0; i < kEncodingSize; ++i) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, &encoding[i], sizeof bits);
    for (std::size_t b = 0; b < 4; ++b) blob[i * 4 + b] = static_cast<char>((bits >> (8 * b)) & 0xFFu);
  }
  return blob;
}

std::optional<Encoding> encoding_from_blob(const std::string& blob) {
  if (blob.size() != kEncodingBlobSize) return std::nullopt;
  Encoding encoding{};
  for (std::size_t i = 0; i < kEncodingSize; ++i) {
    std::uint32_t bits = 0;
    for (std::size_t b = 0; b < 4; ++b)
      bits |= static_cast<std::uint32_t>(static_cast<unsigned char>(blob[i * 4 + b])) << (8 * b);
    std::memcpy(&encoding[i], &bits, sizeof bits);
  }
  return encoding;
}

std::string bytes_to_string(const Bytes& bytes) {
  std::string s(bytes.size(), '\0');
  if (!bytes.empty()) std::memcpy(s.data(), bytes.data(), bytes.size());
  return s;
}

Bytes string_to_bytes(const std::string& s) {
  Bytes bytes(s.size());
  if (!s.empty()) std::memcpy(bytes.data(), s.data(), s.size());
  return bytes;
}

}  // namespace biosense::storage
