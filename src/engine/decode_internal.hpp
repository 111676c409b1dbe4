#pragma once
/// Per-format decoders behind decode_image(); each checks the header against
/// the limits before allocating pixels and reports failure as InvalidImage.
#include "biosense/engine/image.hpp"

namespace biosense::detail {

DecodeResult decode_jpeg(const std::uint8_t* data, std::size_t size, const ImageLimits& limits);
DecodeResult decode_png(const std::uint8_t* data, std::size_t size, const ImageLimits& limits);
DecodeResult decode_gif(const std::uint8_t* data, std::size_t size, const ImageLimits& limits);
DecodeResult decode_bmp(const std::uint8_t* data, std::size_t size, const ImageLimits& limits);

/// "WxH exceeds the limit" check shared by every decoder.
bool within_limits(std::uint64_t width, std::uint64_t height, const ImageLimits& limits);
InvalidImage too_large(std::uint64_t width, std::uint64_t height, const ImageLimits& limits);

}  // namespace biosense::detail
