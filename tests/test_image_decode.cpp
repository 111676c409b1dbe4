/// Decoding: every supported format, the conversions to RGB, and every kind
/// of bad input coming back as an InvalidImage value with a reason.
#include <dlib/image_io.h>
#include <zlib.h>

#include <catch2/catch.hpp>

#include "biosense/engine/image.hpp"
#include "support/test_support.hpp"

using namespace biosense;
using biosense::test::data_file;
using biosense::test::read_bytes;

namespace {

RgbImage pixels(DecodeResult r) {
  if (const auto* bad = std::get_if<InvalidImage>(&r)) FAIL("decode failed: " << bad->reason);
  return std::move(std::get<RgbImage>(r));
}

std::string reason(const DecodeResult& r) {
  REQUIRE(std::holds_alternative<InvalidImage>(r));
  return std::get<InvalidImage>(r).reason;
}

void put_be32(Bytes& b, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(v >> shift));
}

void put_chunk(Bytes& b, const std::string& type, const Bytes& body) {
  put_be32(b, static_cast<std::uint32_t>(body.size()));
  const std::size_t start = b.size();
  for (char c : type) b.push_back(static_cast<std::uint8_t>(c));
  b.insert(b.end(), body.begin(), body.end());
  put_be32(b, static_cast<std::uint32_t>(crc32(0, b.data() + start, static_cast<uInt>(b.size() - start))));
}

/// A PNG whose IHDR (valid CRCs throughout) claims width x height, then a
/// tiny IDAT: a decompression bomb's shape. With `idat` false, the file ends
/// after IHDR.
Bytes png_header_claiming(std::uint32_t width, std::uint32_t height, bool idat = true) {
  Bytes b = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  Bytes ihdr;
  put_be32(ihdr, width);
  put_be32(ihdr, height);
  for (int v : {8, 2, 0, 0, 0}) ihdr.push_back(static_cast<std::uint8_t>(v));  // 8-bit RGB
  put_chunk(b, "IHDR", ihdr);
  if (idat) put_chunk(b, "IDAT", {0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
  return b;
}

/// A baseline JPEG whose SOF0 claims width x height, followed by a scan
/// header (SOS) and a few bytes of "compressed data": a decompression bomb.
Bytes jpeg_header_claiming(std::uint16_t width, std::uint16_t height) {
  Bytes b = {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08};
  b.push_back(static_cast<std::uint8_t>(height >> 8));
  b.push_back(static_cast<std::uint8_t>(height & 0xFF));
  b.push_back(static_cast<std::uint8_t>(width >> 8));
  b.push_back(static_cast<std::uint8_t>(width & 0xFF));
  for (int v : {3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1}) b.push_back(static_cast<std::uint8_t>(v));
  for (int v : {0xFF, 0xDA, 0x00, 0x0C, 3, 1, 0x00, 2, 0x11, 3, 0x11, 0x00, 0x3F, 0x00, 0x12, 0x34})
    b.push_back(static_cast<std::uint8_t>(v));
  return b;
}

Bytes encode_with_dlib(const RgbImage& img, const std::string& ext) {
  biosense::test::TempDir tmp;
  const auto file = tmp / ("img." + ext);
  if (ext == "bmp")
    dlib::save_bmp(img, file.string());
  else if (ext == "png")
    dlib::save_png(img, file.string());
  else
    dlib::save_jpeg(img, file.string(), 95);
  return read_bytes(file);
}

}  // namespace

TEST_CASE("sniff_format recognises the four containers by magic bytes", "[decode]") {
  const Bytes jpeg = {0xFF, 0xD8, 0xFF, 0xE0}, png = png_header_claiming(1, 1);
  const std::string gif = "GIF89a", bmp = "BM....";
  CHECK(sniff_format(jpeg.data(), jpeg.size()) == ImageFormat::Jpeg);
  CHECK(sniff_format(png.data(), png.size()) == ImageFormat::Png);
  CHECK(sniff_format(reinterpret_cast<const std::uint8_t*>(gif.data()), gif.size()) == ImageFormat::Gif);
  CHECK(sniff_format(reinterpret_cast<const std::uint8_t*>(bmp.data()), bmp.size()) == ImageFormat::Bmp);
  CHECK(sniff_format(jpeg.data(), 2) == ImageFormat::Unknown);
}

TEST_CASE("a real JPEG photo decodes to its full size", "[decode]") {
  const auto& img = pixels(decode_image(read_bytes(data_file("misc/face_recognition/obama-480p.jpg")), {}));
  CHECK(img.nc() == 853);
  CHECK(img.nr() == 480);
}

TEST_CASE("a 32-bit RGBA PNG decodes to RGB with the alpha dropped", "[decode]") {
  const auto& img = pixels(decode_image(read_bytes(data_file("misc/face_recognition/32bit.png")), {}));
  CHECK(img.nc() == 626);
  CHECK(img.nr() == 1200);
}

TEST_CASE("grey PNG and BMP round trips give the same RGB pixels", "[decode]") {
  const auto& photo = pixels(decode_image(read_bytes(data_file("misc/face_recognition/obama_small.jpg")), {}));
  SECTION("BMP keeps every pixel") {
    const auto& back = pixels(decode_image(encode_with_dlib(photo, "bmp"), {}));
    REQUIRE(back.nr() == photo.nr());
    const bool identical = back == photo;  // dlib matrices of pixels do not print
    CHECK(identical);
  }
  SECTION("grey PNG expands to equal R, G and B") {
    dlib::matrix<unsigned char> grey;
    dlib::assign_image(grey, photo);
    biosense::test::TempDir tmp;
    dlib::save_png(grey, (tmp / "grey.png").string());
    const auto& back = pixels(decode_image(read_bytes(tmp / "grey.png"), {}));
    REQUIRE(back.nr() == grey.nr());
    for (long r = 0; r < back.nr(); r += 17) {
      for (long c = 0; c < back.nc(); c += 13) {
        CHECK(back(r, c).red == grey(r, c));
        CHECK(back(r, c).green == grey(r, c));
        CHECK(back(r, c).blue == grey(r, c));
      }
    }
  }
}

TEST_CASE("GIF frames decode through the palette, interlaced or not", "[decode]") {
  const dlib::rgb_pixel palette[] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 0}};
  for (const char* name : {"pattern.gif", "pattern_interlaced.gif"}) {
    INFO(name);
    const auto file = std::filesystem::path(BIOSENSE_SOURCE_DIR) / "tests" / "fixtures" / name;
    const auto& img = pixels(decode_image(read_bytes(file), {}));
    REQUIRE(img.nc() == 20);
    REQUIRE(img.nr() == 18);
    for (long r = 0; r < img.nr(); ++r)
      for (long c = 0; c < img.nc(); ++c) REQUIRE(img(r, c) == palette[(r + c) % 4]);
  }
}

TEST_CASE("headers claiming huge images are refused before any pixel is allocated", "[decode][limits]") {
  const ImageLimits limits;  // 40 megapixels
  SECTION("PNG 60000x60000") {
    CHECK_THAT(reason(decode_image(png_header_claiming(60000, 60000), limits)), Catch::Contains("pixel limit"));
  }
  SECTION("JPEG 60000x60000") {
    CHECK_THAT(reason(decode_image(jpeg_header_claiming(60000, 60000), limits)), Catch::Contains("pixel limit"));
  }
  SECTION("GIF 60000x60000") {
    Bytes gif = {'G', 'I', 'F', '8', '9', 'a', 0x60, 0xEA, 0x60, 0xEA, 0x00, 0x00, 0x00};
    CHECK_THAT(reason(decode_image(gif, limits)), Catch::Contains("pixel limit"));
  }
  SECTION("BMP 60000x60000") {
    Bytes bmp(54, 0);
    bmp[0] = 'B';
    bmp[1] = 'M';
    bmp[10] = 54;  // pixel data offset
    bmp[14] = 40;  // BITMAPINFOHEADER
    bmp[28] = 24;  // bits per pixel
    for (std::size_t off : {18u, 22u}) {
      bmp[off] = 0x60;
      bmp[off + 1] = 0xEA;
    }
    CHECK_THAT(reason(decode_image(bmp, limits)), Catch::Contains("pixel limit"));
  }
  SECTION("a configurable limit refuses a real photo") {
    ImageLimits tight;
    tight.max_pixels = 100'000;  // obama-480p is 853x480 = 409,440 pixels
    CHECK_THAT(reason(decode_image(read_bytes(data_file("misc/face_recognition/obama-480p.jpg")), tight)),
               Catch::Contains("853x480"));
  }
  SECTION("a byte limit refuses a large file") {
    ImageLimits tight;
    tight.max_bytes = 1000;
    CHECK_THAT(reason(decode_image(read_bytes(data_file("misc/face_recognition/obama.jpg")), tight)),
               Catch::Contains("byte limit"));
  }
}

TEST_CASE("bad bytes are InvalidImage values with a reason, never a crash", "[decode]") {
  const Bytes photo = read_bytes(data_file("misc/face_recognition/obama.jpg"));
  SECTION("empty") { CHECK_THAT(reason(decode_image(Bytes{}, {})), Catch::Contains("empty")); }
  SECTION("text") {
    const std::string text = "this is not a photo\n";
    CHECK_THAT(reason(decode_image(Bytes(text.begin(), text.end()), {})), Catch::Contains("not an image"));
  }
  SECTION("random noise") {
    Bytes noise(4096);
    std::uint32_t x = 12345;
    for (auto& b : noise) b = static_cast<std::uint8_t>((x = x * 1664525u + 1013904223u) >> 24);
    CHECK_THAT(reason(decode_image(noise, {})), Catch::Contains("not an image"));
  }
  SECTION("truncated JPEG") {
    const Bytes half(photo.begin(), photo.begin() + static_cast<long>(photo.size() / 2));
    CHECK_THAT(reason(decode_image(half, {})), Catch::Contains("JPEG"));
  }
  SECTION("JPEG header only") {
    const Bytes head(photo.begin(), photo.begin() + 64);
    CHECK_THAT(reason(decode_image(head, {})), Catch::Contains("JPEG"));
  }
  SECTION("JPEG with its entropy data overwritten") {
    Bytes corrupt = photo;
    for (std::size_t i = corrupt.size() / 3; i < corrupt.size() / 3 + 2000; ++i) corrupt[i] = 0xFF;
    const auto result = decode_image(corrupt, {});
    // libjpeg may recover from some corruption with a warning; it must never crash,
    // and if it gives up the reason names JPEG.
    if (std::holds_alternative<InvalidImage>(result))
      CHECK_THAT(reason(result), Catch::Contains("JPEG"));
    else
      CHECK(std::get<RgbImage>(result).size() > 0);
  }
  SECTION("PNG with nothing after the header") {
    CHECK_THAT(reason(decode_image(png_header_claiming(64, 64, false), {})), Catch::Contains("PNG"));
  }
  SECTION("truncated PNG") {
    const Bytes png = read_bytes(data_file("misc/face_recognition/32bit.png"));
    const Bytes half(png.begin(), png.begin() + static_cast<long>(png.size() / 2));
    CHECK_THAT(reason(decode_image(half, {})), Catch::Contains("PNG"));
  }
  SECTION("GIF with only a signature") {
    const std::string gif = "GIF89a";
    CHECK_THAT(reason(decode_image(Bytes(gif.begin(), gif.end()), {})), Catch::Contains("GIF"));
  }
  SECTION("truncated GIF") {
    const Bytes gif = read_bytes(std::filesystem::path(BIOSENSE_SOURCE_DIR) / "tests/fixtures/pattern.gif");
    const Bytes half(gif.begin(), gif.begin() + 40);
    CHECK_THAT(reason(decode_image(half, {})), Catch::Contains("GIF"));
  }
  SECTION("truncated BMP") {
    const auto& img = pixels(decode_image(read_bytes(data_file("misc/face_recognition/obama_small.jpg")), {}));
    const Bytes bmp = encode_with_dlib(img, "bmp");
    const Bytes half(bmp.begin(), bmp.begin() + static_cast<long>(bmp.size() / 2));
    CHECK_THAT(reason(decode_image(half, {})), Catch::Contains("BMP"));
  }
  SECTION("ORL's PGM crops are an unsupported format") {
    const auto pgm = data_file("misc/orl/s1/1.pgm");
    CHECK_THAT(reason(decode_image(read_bytes(pgm), {})), Catch::Contains("not an image"));
  }
}

TEST_CASE("read_image_file refuses missing and oversized files without reading them", "[decode]") {
  CHECK(std::holds_alternative<InvalidImage>(read_image_file("/nonexistent/photo.jpg", 1 << 20)));
  const auto file = data_file("misc/face_recognition/obama.jpg");
  const auto too_big = read_image_file(file, 10);
  REQUIRE(std::holds_alternative<InvalidImage>(too_big));
  CHECK_THAT(std::get<InvalidImage>(too_big).reason, Catch::Contains("byte limit"));
  CHECK(std::holds_alternative<Bytes>(read_image_file(file, 1 << 24)));
}
