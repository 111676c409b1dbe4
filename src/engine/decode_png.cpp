/// PNG through libpng's classic API with PIL-like conversions: 16-bit keeps
/// the high byte, palette and grey expand to RGB, alpha is dropped.
#include <fmt/format.h>
#include <png.h>

#include <csetjmp>
#include <cstring>
#include <memory>

#include "decode_internal.hpp"

namespace biosense::detail {
namespace {

struct PngState {
  png_structp png = nullptr;
  png_infop info = nullptr;
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
  std::size_t offset = 0;
  std::string message;
  RgbImage image;
  std::vector<png_byte> row;
  std::vector<png_bytep> rows;  ///< here, not on the stack: png_longjmp skips destructors
  ~PngState() { png_destroy_read_struct(&png, info ? &info : nullptr, nullptr); }
};

extern "C" void on_png_error(png_structp png, png_const_charp msg) {
  auto* state = static_cast<PngState*>(png_get_error_ptr(png));
  state->message = msg;
  png_longjmp(png, 1);
}

extern "C" void on_png_warning(png_structp, png_const_charp) {}

extern "C" void read_from_memory(png_structp png, png_bytep out, png_size_t length) {
  auto* state = static_cast<PngState*>(png_get_io_ptr(png));
  if (length > state->size - state->offset) png_error(png, "truncated PNG: premature end of data");
  std::memcpy(out, state->data + state->offset, length);
  state->offset += length;
}

}  // namespace

DecodeResult decode_png(const std::uint8_t* data, std::size_t size, const ImageLimits& limits) {
  auto state = std::make_unique<PngState>();
  state->data = data;
  state->size = size;
  state->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, state.get(), on_png_error, on_png_warning);
  if (state->png == nullptr) return InvalidImage{"cannot initialise PNG decoder"};
  state->info = png_create_info_struct(state->png);
  if (state->info == nullptr) return InvalidImage{"cannot initialise PNG decoder"};
  if (setjmp(png_jmpbuf(state->png)) != 0) {
    return InvalidImage{fmt::format("corrupt PNG: {}", state->message)};
  }
  png_set_read_fn(state->png, state.get(), read_from_memory);
  png_read_info(state->png, state->info);
  const png_uint_32 width = png_get_image_width(state->png, state->info);
  const png_uint_32 height = png_get_image_height(state->png, state->info);
  if (!within_limits(width, height, limits)) return too_large(width, height, limits);

  const int color = png_get_color_type(state->png, state->info);
  png_set_strip_16(state->png);
  png_set_packing(state->png);
  if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(state->png);
  if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) {
    png_set_expand_gray_1_2_4_to_8(state->png);
    png_set_gray_to_rgb(state->png);
  }
  png_set_strip_alpha(state->png);  // tRNS and alpha channels alike
  png_set_interlace_handling(state->png);
  png_read_update_info(state->png, state->info);
  if (png_get_channels(state->png, state->info) != 3) return InvalidImage{"unsupported PNG pixel layout"};

  // Interlaced images need every row in memory; read all rows into one buffer.
  const std::size_t stride = png_get_rowbytes(state->png, state->info);
  state->row.resize(stride * height);
  std::vector<png_bytep>& rows = state->rows;
  rows.resize(height);
  for (png_uint_32 r = 0; r < height; ++r) rows[r] = state->row.data() + stride * r;
  png_read_image(state->png, rows.data());

  state->image.set_size(static_cast<long>(height), static_cast<long>(width));
  for (png_uint_32 r = 0; r < height; ++r) {
    for (png_uint_32 c = 0; c < width; ++c) {
      const png_byte* p = rows[r] + static_cast<std::size_t>(c) * 3;
      state->image(static_cast<long>(r), static_cast<long>(c)) = dlib::rgb_pixel(p[0], p[1], p[2]);
    }
  }
  return std::move(state->image);
}

}  // namespace biosense::detail
