#include "biosense/engine/image.hpp"

#include <fmt/format.h>

#include <cstring>
#include <fstream>

#include "decode_internal.hpp"

namespace biosense {

ImageFormat sniff_format(const std::uint8_t* data, std::size_t size) noexcept {
  static constexpr std::uint8_t kPng[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) return ImageFormat::Jpeg;
  if (size >= sizeof kPng && std::memcmp(data, kPng, sizeof kPng) == 0) return ImageFormat::Png;
  if (size >= 6 && (std::memcmp(data, "GIF87a", 6) == 0 || std::memcmp(data, "GIF89a", 6) == 0))
    return ImageFormat::Gif;
  if (size >= 2 && data[0] == 'B' && data[1] == 'M') return ImageFormat::Bmp;
  return ImageFormat::Unknown;
}

const char* format_name(ImageFormat format) noexcept {
  switch (format) {
    case ImageFormat::Jpeg: return "JPEG";
    case ImageFormat::Png: return "PNG";
    case ImageFormat::Gif: return "GIF";
    case ImageFormat::Bmp: return "BMP";
    case ImageFormat::Unknown: break;
  }
  return "unknown";
}

DecodeResult decode_image(const std::uint8_t* data, std::size_t size, const ImageLimits& limits) {
  if (data == nullptr || size == 0) return InvalidImage{"empty image (0 bytes)"};
  if (size > limits.max_bytes)
    return InvalidImage{fmt::format("image is {} bytes, over the {} byte limit", size, limits.max_bytes)};
  switch (sniff_format(data, size)) {
    case ImageFormat::Jpeg: return detail::decode_jpeg(data, size, limits);
    case ImageFormat::Png: return detail::decode_png(data, size, limits);
    case ImageFormat::Gif: return detail::decode_gif(data, size, limits);
    case ImageFormat::Bmp: return detail::decode_bmp(data, size, limits);
    case ImageFormat::Unknown: break;
  }
  return InvalidImage{"not an image: unrecognised format (JPEG, PNG, GIF and BMP are supported)"};
}

std::variant<Bytes, InvalidImage> read_image_file(const std::filesystem::path& path, std::size_t max_bytes) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return InvalidImage{fmt::format("cannot read file: {}", ec.message())};
  if (size > max_bytes) return InvalidImage{fmt::format("image is {} bytes, over the {} byte limit", size, max_bytes)};
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidImage{"cannot open file"};
  Bytes bytes(static_cast<std::size_t>(size));
  if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size)))
    return InvalidImage{"cannot read file"};
  return bytes;
}

namespace detail {

bool within_limits(std::uint64_t width, std::uint64_t height, const ImageLimits& limits) {
  return width > 0 && height > 0 && width <= limits.max_pixels / height;
}

InvalidImage too_large(std::uint64_t width, std::uint64_t height, const ImageLimits& limits) {
  if (width == 0 || height == 0) return InvalidImage{fmt::format("image header claims {}x{} pixels", width, height)};
  return InvalidImage{
      fmt::format("image header claims {}x{} pixels, over the {} pixel limit", width, height, limits.max_pixels)};
}

}  // namespace detail
}  // namespace biosense
