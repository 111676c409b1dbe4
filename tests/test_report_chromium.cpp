/// The HTML report in a real browser: Debian's `chromium`, headless, takes a
/// screenshot of the page the binary wrote. scripts/setup.sh installs
/// chromium, so a machine without it fails this test instead of skipping it.
#include <catch2/catch.hpp>

#include <dlib/image_io.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "support/report_seed.hpp"
#include "support/storage_backend.hpp"
#include "support/test_support.hpp"

using namespace biosense;
using namespace biosense::test;

namespace {

constexpr long kShotWidth = 1000, kShotHeight = 1600;

/// `name` on $PATH, or empty.
std::filesystem::path find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const auto candidate = std::filesystem::path(dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

std::size_t pixels_of(const dlib::matrix<dlib::rgb_pixel>& img, dlib::rgb_pixel colour) {
  std::size_t n = 0;
  for (long r = 0; r < img.nr(); ++r)
    for (long c = 0; c < img.nc(); ++c) n += img(r, c) == colour ? 1u : 0u;
  return n;
}

}  // namespace

TEST_CASE("report HTML renders in headless Chromium", "[report][html][chromium]") {
  const auto chromium = find_program("chromium");
  const auto timeout = find_program("timeout");
  INFO("Debian's chromium is required: run scripts/setup.sh (apt-get install chromium)");
  REQUIRE_FALSE(chromium.empty());
  REQUIRE_FALSE(timeout.empty());

  auto backend = make_sqlite_backend();
  backend->migrate();
  seed_report_rows(backend->raw());
  TempDir dir;
  const auto html = dir / "report.html", shot = dir / "report.png";
  const auto r = run_biosense({"--db", backend->url(), "report", "--since", kSince, "--until", kUntil, "--format",
                               "html", "-o", html.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);

  const int code = run_program(
      {timeout.string(), "--kill-after=10", "90", chromium.string(), "--headless", "--no-sandbox", "--disable-gpu",
       "--no-first-run", "--hide-scrollbars", "--user-data-dir=" + (dir / "profile").string(),
       "--window-size=" + std::to_string(kShotWidth) + "," + std::to_string(kShotHeight),
       "--screenshot=" + shot.string(), "file://" + html.string()},
      dir / "chromium.log");
  INFO("chromium exit " << code);
  REQUIRE(std::filesystem::exists(shot));
  const auto bytes = read_bytes(shot);
  REQUIRE(bytes.size() > 20000);  // a blank page is a few kB
  const unsigned char signature[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  REQUIRE(std::equal(std::begin(signature), std::end(signature), bytes.begin()));

  dlib::matrix<dlib::rgb_pixel> img;
  dlib::load_png(img, shot.string());
  CHECK(img.nc() == kShotWidth);
  CHECK(img.nr() == kShotHeight);
  // The stacked hourly chart drew SUCCESS (#2e7d32) and UNKNOWN_PERSON
  // (#c62828) bars: the SVG was really rendered, not just the page.
  CHECK(pixels_of(img, dlib::rgb_pixel(0x2e, 0x7d, 0x32)) > 1000);
  CHECK(pixels_of(img, dlib::rgb_pixel(0xc6, 0x28, 0x28)) > 100);
}
