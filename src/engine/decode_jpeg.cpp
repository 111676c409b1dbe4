/// JPEG through libjpeg(-turbo) with its default (ISLOW, fancy upsampling)
/// settings, which are also PIL's, so pixels match face_recognition's.
#include <fmt/format.h>

#include <csetjmp>
#include <cstdio>
#include <memory>

#include "decode_internal.hpp"

// jpeglib.h needs FILE and size_t declared first.
#include <jerror.h>
#include <jpeglib.h>

namespace biosense::detail {
namespace {

/// Everything the error handler touches lives here, on the heap, so nothing
/// a longjmp skips over has to be volatile.
struct JpegState {
  jpeg_decompress_struct cinfo{};
  jpeg_error_mgr err{};
  std::jmp_buf jump{};
  char message[JMSG_LENGTH_MAX] = {};
  bool truncated = false;
  RgbImage image;
  std::vector<JSAMPLE> row;
};

extern "C" void on_jpeg_error(j_common_ptr cinfo) {
  auto* state = static_cast<JpegState*>(cinfo->client_data);
  (*cinfo->err->format_message)(cinfo, state->message);
  std::longjmp(state->jump, 1);
}

extern "C" void on_jpeg_message(j_common_ptr cinfo, int level) {
  // Level -1 is a warning about corrupt data. A premature end of file means
  // the photo is truncated: libjpeg would fill the rest with grey, PIL
  // refuses it, and so do we. Other warnings (extraneous bytes) are harmless.
  if (level == -1 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
    static_cast<JpegState*>(cinfo->client_data)->truncated = true;
  }
}

}  // namespace

DecodeResult decode_jpeg(const std::uint8_t* data, std::size_t size, const ImageLimits& limits) {
  auto state = std::make_unique<JpegState>();
  jpeg_decompress_struct& cinfo = state->cinfo;
  cinfo.err = jpeg_std_error(&state->err);
  state->err.error_exit = on_jpeg_error;
  state->err.emit_message = on_jpeg_message;
  cinfo.client_data = state.get();

  if (setjmp(state->jump) != 0) {
    jpeg_destroy_decompress(&cinfo);
    return InvalidImage{fmt::format("corrupt JPEG: {}", state->message)};
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
  jpeg_read_header(&cinfo, TRUE);
  if (!within_limits(cinfo.image_width, cinfo.image_height, limits)) {
    const auto w = cinfo.image_width, h = cinfo.image_height;
    jpeg_destroy_decompress(&cinfo);
    return too_large(w, h, limits);
  }
  if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
    jpeg_destroy_decompress(&cinfo);
    return InvalidImage{"unsupported JPEG colour space (CMYK)"};
  }
  cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress(&cinfo);

  const auto width = static_cast<long>(cinfo.output_width);
  state->image.set_size(static_cast<long>(cinfo.output_height), width);
  state->row.resize(static_cast<std::size_t>(width) * 3);
  while (cinfo.output_scanline < cinfo.output_height) {
    const long r = static_cast<long>(cinfo.output_scanline);
    JSAMPROW rows[1] = {state->row.data()};
    jpeg_read_scanlines(&cinfo, rows, 1);
    for (long c = 0; c < width; ++c) {
      const auto* p = &state->row[static_cast<std::size_t>(c) * 3];
      state->image(r, c) = dlib::rgb_pixel(p[0], p[1], p[2]);
    }
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  if (state->truncated) return InvalidImage{"truncated JPEG: premature end of data"};
  return std::move(state->image);
}

}  // namespace biosense::detail
