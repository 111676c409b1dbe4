#pragma once
/// Image decoding with limits checked before any pixel buffer is allocated.
///
/// Contract: decode_image() never throws for bad input and never allocates
/// more than `limits.max_pixels * 3` bytes of pixels. Anything that is not a
/// decodable JPEG, PNG, GIF or BMP within the limits comes back as an
/// InvalidImage value with a human-readable reason. Grey, palette and alpha
/// images are converted to 8-bit RGB the way PIL's convert("RGB") does (alpha
/// dropped, not composited), so pixels match what face_recognition sees.
/// EXIF orientation is ignored, as face_recognition ignores it.

#include <dlib/image_processing/generic_image.h>
#include <dlib/matrix.h>
#include <dlib/pixel.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "biosense/engine/values.hpp"

namespace biosense {

using RgbImage = dlib::matrix<dlib::rgb_pixel>;

enum class ImageFormat { Jpeg, Png, Gif, Bmp, Unknown };

/// Refusal thresholds; both are checked before decoding pixels.
struct ImageLimits {
  std::size_t max_bytes = 25u * 1024u * 1024u;  ///< encoded size
  std::uint64_t max_pixels = 40'000'000;        ///< width * height claimed by the header
};

using DecodeResult = std::variant<RgbImage, InvalidImage>;

/// Recognises the container from its magic bytes only.
ImageFormat sniff_format(const std::uint8_t* data, std::size_t size) noexcept;
const char* format_name(ImageFormat format) noexcept;

/// Decodes `size` bytes at `data` to RGB within `limits`.
DecodeResult decode_image(const std::uint8_t* data, std::size_t size, const ImageLimits& limits);
inline DecodeResult decode_image(const Bytes& bytes, const ImageLimits& limits) {
  return decode_image(bytes.data(), bytes.size(), limits);
}

/// Reads a whole file, refusing (InvalidImage) files larger than max_bytes
/// without reading them, and unreadable paths.
std::variant<Bytes, InvalidImage> read_image_file(const std::filesystem::path& path, std::size_t max_bytes);

}  // namespace biosense
