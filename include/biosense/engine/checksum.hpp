#pragma once
/// SHA-256 of files, for `models check` and the fetch script's twin check.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace biosense {

/// Lower-case hex SHA-256 of a file's bytes; throws std::runtime_error if unreadable.
std::string sha256_file(const std::filesystem::path& file);

/// Lower-case hex SHA-256 of `size` bytes at `data` (the watch's replay check).
std::string sha256_bytes(const std::uint8_t* data, std::size_t size);

/// The expected sums compiled in from models/SHA256SUMS: file name -> hex digest.
const std::map<std::string, std::string>& expected_model_sums();

}  // namespace biosense
