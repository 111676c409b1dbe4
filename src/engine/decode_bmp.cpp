/// BMP through dlib's loader, after our own header check of the dimensions.
#include <dlib/image_io.h>

#include <cstring>
#include <sstream>
#include <string>

#include "decode_internal.hpp"

namespace biosense::detail {
namespace {

std::int32_t read_le32(const std::uint8_t* p) {
  std::uint32_t v = 0;
  std::memcpy(&v, p, 4);  // x86 and ARM Linux are little-endian, as BMP is
  return static_cast<std::int32_t>(v);
}

}  // namespace

DecodeResult decode_bmp(const std::uint8_t* data, std::size_t size, const ImageLimits& limits) {
  // File header (14 bytes) then BITMAPINFOHEADER: width at 18, height at 22 (negative = top-down).
  if (size < 26) return InvalidImage{"corrupt BMP: header is truncated"};
  const std::int64_t width = read_le32(data + 18);
  const std::int64_t height = read_le32(data + 22);
  const auto w = static_cast<std::uint64_t>(width < 0 ? -width : width);
  const auto h = static_cast<std::uint64_t>(height < 0 ? -height : height);
  if (!within_limits(w, h, limits)) return too_large(w, h, limits);
  try {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    RgbImage image;
    dlib::load_bmp(image, in);
    return image;
  } catch (const std::exception& e) {
    return InvalidImage{std::string("corrupt BMP: ") + e.what()};
  }
}

}  // namespace biosense::detail
