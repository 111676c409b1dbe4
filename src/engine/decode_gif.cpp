/// GIF through giflib: the first frame on its logical screen, palette to RGB
/// (transparency ignored, as PIL's convert("RGB") ignores it). Only the first
/// frame is read, so a file with thousands of frames costs one frame.
#include <fmt/format.h>
#include <gif_lib.h>

#include <algorithm>
#include <cstring>

#include "decode_internal.hpp"

namespace biosense::detail {
namespace {

struct Reader {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t offset;
};

extern "C" int read_gif_bytes(GifFileType* gif, GifByteType* out, int length) {
  auto* reader = static_cast<Reader*>(gif->UserData);
  const std::size_t want = static_cast<std::size_t>(std::max(length, 0));
  const std::size_t n = std::min(want, reader->size - reader->offset);
  std::memcpy(out, reader->data + reader->offset, n);
  reader->offset += n;
  return static_cast<int>(n);
}

struct GifCloser {
  void operator()(GifFileType* gif) const {
    int ignored = 0;
    DGifCloseFile(gif, &ignored);
  }
};
using GifHandle = std::unique_ptr<GifFileType, GifCloser>;

InvalidImage gif_error(int code) {
  const char* text = GifErrorString(code);
  return InvalidImage{fmt::format("corrupt GIF: {}", text ? text : "unknown error")};
}

/// Reads the first image's indices into `canvas` (screen-sized, pre-filled).
std::optional<InvalidImage> read_first_frame(GifFileType* gif, std::vector<GifPixelType>& canvas,
                                             const ColorMapObject*& colours) {
  for (;;) {
    GifRecordType type = UNDEFINED_RECORD_TYPE;
    if (DGifGetRecordType(gif, &type) == GIF_ERROR) return gif_error(gif->Error);
    if (type == TERMINATE_RECORD_TYPE) return InvalidImage{"GIF has no image frame"};
    if (type == EXTENSION_RECORD_TYPE) {
      int code = 0;
      GifByteType* ext = nullptr;
      if (DGifGetExtension(gif, &code, &ext) == GIF_ERROR) return gif_error(gif->Error);
      while (ext != nullptr) {
        if (DGifGetExtensionNext(gif, &ext) == GIF_ERROR) return gif_error(gif->Error);
      }
      continue;
    }
    if (type != IMAGE_DESC_RECORD_TYPE) continue;
    if (DGifGetImageDesc(gif) == GIF_ERROR) return gif_error(gif->Error);
    const GifImageDesc& desc = gif->Image;
    if (desc.Left < 0 || desc.Top < 0 || desc.Width <= 0 || desc.Height <= 0 || desc.Left + desc.Width > gif->SWidth ||
        desc.Top + desc.Height > gif->SHeight) {
      return InvalidImage{"corrupt GIF: frame lies outside the logical screen"};
    }
    colours = desc.ColorMap ? desc.ColorMap : gif->SColorMap;
    if (colours == nullptr) return InvalidImage{"corrupt GIF: no colour table"};
    std::vector<GifPixelType> line(static_cast<std::size_t>(desc.Width));
    auto store = [&](int row) {
      std::copy(line.begin(), line.end(),
                canvas.begin() + (static_cast<std::ptrdiff_t>(desc.Top + row) * gif->SWidth + desc.Left));
    };
    if (desc.Interlace) {
      static constexpr int kStart[] = {0, 4, 2, 1};
      static constexpr int kStep[] = {8, 8, 4, 2};
      for (int pass = 0; pass < 4; ++pass) {
        for (int row = kStart[pass]; row < desc.Height; row += kStep[pass]) {
          if (DGifGetLine(gif, line.data(), desc.Width) == GIF_ERROR) return gif_error(gif->Error);
          store(row);
        }
      }
    } else {
      for (int row = 0; row < desc.Height; ++row) {
        if (DGifGetLine(gif, line.data(), desc.Width) == GIF_ERROR) return gif_error(gif->Error);
        store(row);
      }
    }
    return std::nullopt;
  }
}

}  // namespace

DecodeResult decode_gif(const std::uint8_t* data, std::size_t size, const ImageLimits& limits) {
  Reader reader{data, size, 0};
  int error = 0;
  GifHandle gif(DGifOpen(&reader, read_gif_bytes, &error));
  if (!gif) return gif_error(error);
  const auto width = static_cast<std::uint64_t>(std::max(gif->SWidth, 0));
  const auto height = static_cast<std::uint64_t>(std::max(gif->SHeight, 0));
  if (!within_limits(width, height, limits)) return too_large(width, height, limits);

  std::vector<GifPixelType> canvas(width * height, static_cast<GifPixelType>(gif->SBackGroundColor));
  const ColorMapObject* colours = nullptr;
  if (auto failure = read_first_frame(gif.get(), canvas, colours)) return *failure;

  RgbImage image(static_cast<long>(height), static_cast<long>(width));
  for (std::uint64_t i = 0; i < canvas.size(); ++i) {
    const int index = canvas[i] < colours->ColorCount ? canvas[i] : 0;
    const GifColorType& c = colours->Colors[index];
    image(static_cast<long>(i / width), static_cast<long>(i % width)) = dlib::rgb_pixel(c.Red, c.Green, c.Blue);
  }
  return image;
}

}  // namespace biosense::detail
