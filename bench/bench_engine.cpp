/// bench_engine: photos/s of the face engine over a folder of photos, with the
/// time split by stage. Not a test: see docs/performance.md.
///
///   bench_engine PHOTOS [--threads N] [--upsample K] [--repeat R] [--json FILE]
///                [--variant engine|direct] [--fallback] [--gray] [--batch B]
///                [--known DIR --output FILE] [--limit N]
///
/// --variant engine (default) runs biosense::DlibEngine exactly as `biosense
/// compare` does and reports its StageTimes. --variant direct is a copy of the
/// engine's loop written against dlib here, so each stage can be timed finer
/// (the detector is split into HOG feature pyramid and filter scan) and
/// candidate optimizations can be measured without touching src/:
///   --fallback  detect at upsample 0 first; upsample K only when nothing is found
///   --refine    with --fallback: re-detect each upsample-0 face at upsample K in a
///               crop around it, so its box (hence landmarks, encoding) is the
///               one upsample K would give
///   --fallback-min-side N  apply --fallback only to photos whose longest side
///               (after the shrink) is at least N px; smaller ones go straight to K
///   --pil-shrink  shrink photos over --max-dimension exactly as the face_recognition
///               CLI does (PIL thumbnail, Lanczos), and never shrink KNOWN photos
///               (the CLI does not); the engine shrinks both, bilinearly
///   --gray      run HOG on a grey image instead of RGB (landmarks and chips stay RGB)
///   --batch B   encode the faces of B photos in one network call
/// With --known DIR --output FILE the chosen variant also prints
/// face_recognition-style lines (file,name,distance) for every photo, so the
/// answers of a variant can be compared with the reference CLI.
#include <dlib/image_transforms.h>
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "biosense/compare/compare.hpp"
#include "biosense/engine/dlib_engine.hpp"
#include "biosense/engine/image.hpp"
#include "biosense/util/json.hpp"
#include "biosense/util/parallel.hpp"
#include "engine/net.hpp"

#ifndef BENCH_BUILD_TYPE
#define BENCH_BUILD_TYPE "?"
#endif
#ifndef BENCH_CXX_FLAGS
#define BENCH_CXX_FLAGS "?"
#endif
#ifndef BENCH_NATIVE
#define BENCH_NATIVE 0
#endif
#ifndef BENCH_COMPILER
#define BENCH_COMPILER "?"
#endif

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Ns = std::chrono::nanoseconds;

struct Config {
  fs::path photos;
  int threads = 1;
  int upsample = 1;
  int repeat = 1;
  long limit = 0;
  std::string variant = "engine";
  bool fallback = false;
  bool refine = false;
  long fallback_min_side = 0;
  bool gray = false;
  bool pil_shrink = false;
  int batch = 1;
  fs::path known;
  fs::path output;
  fs::path boxes;
  fs::path json;
  double tolerance = 0.6;
  long max_dimension = 1600;
  std::string detector = "hog";  ///< engine variant: hog, yunet or cnn
  int retry_upsample = -1;       ///< engine variant: HOG's second look when none is found (-1: none)
  long detect_max_dimension = 0;
  bool mirror = false;
};

/// Stages of one photo, in order. The engine variant fills only the four the
/// engine itself times (its decode includes the shrink of large photos, its
/// detect the upsampling, its encode the chip extraction).
enum Stage : std::size_t { Read, Decode, Resize, Upsample, Hog, Scan, Detect, Landmarks, Chips, Encode, kStages };
constexpr std::array<const char*, kStages> kStageNames = {"read",     "decode", "resize",    "upsample", "hog_features",
                                                          "hog_scan", "detect", "landmarks", "chips",    "encode"};

/// Per-thread CPU time: unlike wall time it does not grow when other
/// processes take the core, so it stays comparable on a busy machine.
Ns thread_cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + Ns(ts.tv_nsec);
}
/// CPU time of every thread of the process, BLAS's own threads included.
Ns process_cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + Ns(ts.tv_nsec);
}

struct Times {
  std::array<Ns, kStages> stage{};  ///< wall time per stage, summed over threads
  std::array<Ns, kStages> cpu{};    ///< thread CPU time per stage (direct variant)
  long images = 0;
  long invalid = 0;
  long faces = 0;
  long with_faces = 0;
  long retried = 0;  ///< photos detected a second time (--fallback)
  long refined = 0;  ///< faces re-detected in a crop (--refine)
  Times& operator+=(const Times& o) {
    for (std::size_t i = 0; i < kStages; ++i) {
      stage[i] += o.stage[i];
      cpu[i] += o.cpu[i];
    }
    images += o.images;
    invalid += o.invalid;
    faces += o.faces;
    with_faces += o.with_faces;
    retried += o.retried;
    refined += o.refined;
    return *this;
  }
};

/// Adds the wall time (and, given a second sink, the thread CPU time) of its scope.
class Timer {
 public:
  explicit Timer(Ns& wall, Ns* cpu = nullptr)
      : wall_(wall), cpu_(cpu), start_(Clock::now()), cpu_start_(cpu ? thread_cpu_now() : Ns{0}) {}
  Timer(Times& t, Stage s) : Timer(t.stage[s], &t.cpu[s]) {}
  ~Timer() {
    wall_ += Clock::now() - start_;
    if (cpu_) *cpu_ += thread_cpu_now() - cpu_start_;
  }
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

 private:
  Ns& wall_;
  Ns* cpu_;
  Clock::time_point start_;
  Ns cpu_start_;
};

/// What a photo gave: invalid, or its faces (possibly none).
struct PhotoOut {
  bool invalid = false;
  std::vector<biosense::Face> faces;
};

/// One per thread; analyses photos and accumulates its own times.
class Worker {
 public:
  virtual ~Worker() = default;
  /// Analyses photos[first, last) into out[first, last).
  virtual void run(const std::vector<fs::path>& photos, std::size_t first, std::size_t last,
                   std::vector<PhotoOut>& out) = 0;
  virtual Times times() const = 0;
  virtual void reset() = 0;
  /// False while KNOWN photos are analysed (--pil-shrink: the CLI never shrinks them).
  void set_unknown_pass(bool unknown) { unknown_pass_ = unknown; }

 protected:
  bool unknown_pass_ = true;
};

// --- PIL's thumbnail -------------------------------------------------------------

/// PIL's Lanczos filter (libImaging/Resample.c).
double pil_lanczos(double x) {
  auto sinc = [](double v) {
    if (v == 0.0) return 1.0;
    v *= M_PI;
    return std::sin(v) / v;
  };
  return (-3.0 <= x && x < 3.0) ? sinc(x) * sinc(x / 3.0) : 0.0;
}

/// One axis of PIL's two-pass resampling: bounds and 8-bit fixed-point weights
/// (precompute_coeffs + normalize_coeffs_8bpc).
struct PilAxis {
  int ksize = 0;
  std::vector<int> bounds;  // (first input index, count) per output index
  std::vector<std::int32_t> weights;
};
constexpr int kPilPrecision = 32 - 8 - 2;

PilAxis pil_axis(int in_size, int out_size) {
  PilAxis a;
  const double scale = static_cast<double>(in_size) / out_size;
  const double filterscale = std::max(1.0, scale);
  const double support = 3.0 * filterscale;
  a.ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
  a.bounds.resize(static_cast<std::size_t>(out_size) * 2);
  a.weights.assign(static_cast<std::size_t>(out_size) * static_cast<std::size_t>(a.ksize), 0);
  std::vector<double> k(static_cast<std::size_t>(a.ksize));
  for (int xx = 0; xx < out_size; ++xx) {
    const double center = (xx + 0.5) * scale;
    const double ss = 1.0 / filterscale;
    int xmin = static_cast<int>(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    int xmax = static_cast<int>(center + support + 0.5);
    if (xmax > in_size) xmax = in_size;
    xmax -= xmin;
    double ww = 0.0;
    for (int x = 0; x < xmax; ++x) {
      k[static_cast<std::size_t>(x)] = pil_lanczos((x + xmin - center + 0.5) * ss);
      ww += k[static_cast<std::size_t>(x)];
    }
    for (int x = 0; x < xmax; ++x) {
      double w = k[static_cast<std::size_t>(x)];
      if (ww != 0.0) w /= ww;
      const double fixed = w * (1 << kPilPrecision);
      a.weights[static_cast<std::size_t>(xx * a.ksize + x)] =
          static_cast<std::int32_t>(w < 0 ? -0.5 + fixed : 0.5 + fixed);
    }
    a.bounds[static_cast<std::size_t>(xx) * 2] = xmin;
    a.bounds[static_cast<std::size_t>(xx) * 2 + 1] = xmax;
  }
  return a;
}

unsigned char pil_clip8(std::int32_t v) {
  const std::int32_t shifted = v >> kPilPrecision;  // arithmetic, as in PIL
  return static_cast<unsigned char>(std::clamp(shifted, 0, 255));
}

/// The size PIL's Image.thumbnail((max, max)) picks (preserve_aspect_ratio()).
std::pair<long, long> pil_thumbnail_size(long width, long height, long max) {
  auto x = static_cast<double>(max), y = static_cast<double>(max);
  if (x >= static_cast<double>(width) && y >= static_cast<double>(height)) return {width, height};
  const double aspect = static_cast<double>(width) / static_cast<double>(height);
  auto round_aspect = [](double number, auto key) {
    const double lo = std::floor(number), hi = std::ceil(number);
    const double best = key(hi) < key(lo) ? hi : lo;  // min() keeps the first on ties
    return std::max(best, 1.0);
  };
  if (x / y >= aspect)
    x = round_aspect(y * aspect, [&](double n) { return std::abs(aspect - n / y); });
  else
    y = round_aspect(x / aspect, [&](double n) { return n == 0 ? 0.0 : std::abs(aspect - x / n); });
  return {static_cast<long>(x), static_cast<long>(y)};
}

/// PIL's Image.resize((w, h), LANCZOS) of an RGB image, bit for bit; the
/// reduce() pre-step PIL adds for shrinks of 4x or more is not reproduced.
biosense::RgbImage pil_resize(const biosense::RgbImage& in, long out_w, long out_h) {
  const int in_w = static_cast<int>(in.nc()), in_h = static_cast<int>(in.nr());
  const int ow = static_cast<int>(out_w), oh = static_cast<int>(out_h);
  const bool need_h = ow != in_w;
  const bool need_v = oh != in_h;
  PilAxis v = pil_axis(in_h, oh);
  const int first = v.bounds[0];
  const int last = v.bounds[static_cast<std::size_t>(oh) * 2 - 2] + v.bounds[static_cast<std::size_t>(oh) * 2 - 1];
  biosense::RgbImage tmp;
  const biosense::RgbImage* src = &in;
  if (need_h) {
    for (int i = 0; i < oh; ++i) v.bounds[static_cast<std::size_t>(i) * 2] -= first;
    const PilAxis h = pil_axis(in_w, ow);
    tmp.set_size(last - first, ow);
    for (int yy = 0; yy < last - first; ++yy)
      for (int xx = 0; xx < ow; ++xx) {
        const int xmin = h.bounds[static_cast<std::size_t>(xx) * 2];
        const int xmax = h.bounds[static_cast<std::size_t>(xx) * 2 + 1];
        const std::int32_t* k = &h.weights[static_cast<std::size_t>(xx * h.ksize)];
        std::int32_t r = 1 << (kPilPrecision - 1), g = r, b = r;
        for (int x = 0; x < xmax; ++x) {
          const auto& p = in(yy + first, x + xmin);
          r += p.red * k[x];
          g += p.green * k[x];
          b += p.blue * k[x];
        }
        tmp(yy, xx) = dlib::rgb_pixel(pil_clip8(r), pil_clip8(g), pil_clip8(b));
      }
    src = &tmp;
  }
  if (!need_v) return need_h ? tmp : in;
  biosense::RgbImage out(oh, src->nc());
  for (int yy = 0; yy < oh; ++yy) {
    const int ymin = v.bounds[static_cast<std::size_t>(yy) * 2];
    const int ymax = v.bounds[static_cast<std::size_t>(yy) * 2 + 1];
    const std::int32_t* k = &v.weights[static_cast<std::size_t>(yy * v.ksize)];
    for (long xx = 0; xx < src->nc(); ++xx) {
      std::int32_t r = 1 << (kPilPrecision - 1), g = r, b = r;
      for (int y = 0; y < ymax; ++y) {
        const auto& p = (*src)(y + ymin, xx);
        r += p.red * k[y];
        g += p.green * k[y];
        b += p.blue * k[y];
      }
      out(yy, xx) = dlib::rgb_pixel(pil_clip8(r), pil_clip8(g), pil_clip8(b));
    }
  }
  return out;
}

// --- the shipped engine -----------------------------------------------------

class EngineWorker final : public Worker {
 public:
  EngineWorker(const std::shared_ptr<const biosense::Models>& models, const Config& cfg)
      : cfg_(cfg), engine_(std::make_unique<biosense::DlibEngine>(models, options(cfg))), models_(models) {}

  void run(const std::vector<fs::path>& photos, std::size_t first, std::size_t last,
           std::vector<PhotoOut>& out) override {
    for (std::size_t i = first; i < last; ++i) {
      std::variant<biosense::Bytes, biosense::InvalidImage> bytes;
      {
        Timer t(read_);
        bytes = biosense::read_image_file(photos[i], engine_->options().limits.max_bytes);
      }
      if (std::holds_alternative<biosense::InvalidImage>(bytes)) {
        out[i].invalid = true;
        ++invalid_;
        continue;
      }
      const auto result = engine_->analyze(std::get<biosense::Bytes>(bytes));
      if (std::holds_alternative<biosense::InvalidImage>(result)) {
        out[i].invalid = true;
        ++invalid_;
        continue;
      }
      out[i].faces = std::get<biosense::FaceAnalysis>(result).faces;
      if (!out[i].faces.empty()) ++with_faces_;
    }
  }

  Times times() const override {
    const auto& e = engine_->times();
    Times t;
    t.stage[Read] = read_;
    t.stage[Decode] = e.decode;
    t.stage[Detect] = e.detect;
    t.stage[Landmarks] = e.landmarks;
    t.stage[Encode] = e.encode;
    t.images = e.images + invalid_;
    t.invalid = invalid_;
    t.faces = e.faces;
    t.with_faces = with_faces_;
    return t;
  }

  void reset() override {
    engine_ = std::make_unique<biosense::DlibEngine>(models_, options(cfg_));
    read_ = Ns{0};
    invalid_ = with_faces_ = 0;
  }

 private:
  static biosense::EngineOptions options(const Config& cfg) {
    biosense::EngineOptions o;
    o.upsample = cfg.upsample;
    o.max_dimension = cfg.max_dimension;
    o.detector = biosense::parse_detector(cfg.detector).value_or(biosense::Detector::Hog);
    o.retry_upsample = cfg.retry_upsample;
    o.detect_max_dimension = cfg.detect_max_dimension;
    o.mirror = cfg.mirror;
    return o;
  }
  Config cfg_;
  std::unique_ptr<biosense::DlibEngine> engine_;
  std::shared_ptr<const biosense::Models> models_;
  Ns read_{0};
  long invalid_ = 0;
  long with_faces_ = 0;
};

// --- the engine's loop, written out against dlib ------------------------------

using Scanner = dlib::scan_fhog_pyramid<dlib::pyramid_down<6>>;

class DirectWorker final : public Worker {
 public:
  DirectWorker(const std::shared_ptr<const biosense::Models>& models, const Config& cfg) : cfg_(cfg) {
    landmarks_ = models->loaded().landmarks5;
    encoder_ = models->loaded().encoder;
    // object_detector::operator() in pieces, so the HOG feature pyramid and the
    // filter scan can be timed apart. Same filters, thresholds and NMS.
    dlib::frontal_face_detector detector = dlib::get_frontal_face_detector();
    scanner_.copy_configuration(detector.get_scanner());
    overlap_ = detector.get_overlap_tester();
    for (unsigned long i = 0; i < detector.num_detectors(); ++i) {
      const auto& w = detector.get_w(i);
      filters_.push_back(scanner_.build_fhog_filterbank(w));
      thresholds_.push_back(w(static_cast<long>(scanner_.get_num_dimensions())));
    }
  }

  void run(const std::vector<fs::path>& photos, std::size_t first, std::size_t last,
           std::vector<PhotoOut>& out) override {
    // Every photo's chips wait here so that one network call encodes them all.
    dlib::array<biosense::RgbImage> chips;
    std::vector<std::pair<std::size_t, std::size_t>> owners;  // (photo, face)
    for (std::size_t i = first; i < last; ++i) {
      ++times_.images;
      std::variant<biosense::Bytes, biosense::InvalidImage> bytes;
      {
        Timer t(times_, Read);
        bytes = biosense::read_image_file(photos[i], limits_.max_bytes);
      }
      if (std::holds_alternative<biosense::InvalidImage>(bytes)) {
        out[i].invalid = true;
        ++times_.invalid;
        continue;
      }
      biosense::DecodeResult decoded;
      {
        Timer t(times_, Decode);
        decoded = biosense::decode_image(std::get<biosense::Bytes>(bytes), limits_);
      }
      if (std::holds_alternative<biosense::InvalidImage>(decoded)) {
        out[i].invalid = true;
        ++times_.invalid;
        continue;
      }
      const auto& original = std::get<biosense::RgbImage>(decoded);
      biosense::RgbImage shrunk;
      const biosense::RgbImage* image = &original;
      double scale_back = 1.0;
      const long longest = std::max(original.nr(), original.nc());
      if (cfg_.pil_shrink) {
        // The CLI: PIL thumbnail (Lanczos) for UNKNOWN photos over the limit, KNOWN photos never.
        if (unknown_pass_ && cfg_.max_dimension > 0 && longest > cfg_.max_dimension) {
          Timer t(times_, Resize);
          const auto [w, h] = pil_thumbnail_size(original.nc(), original.nr(), cfg_.max_dimension);
          shrunk = pil_resize(original, w, h);
          image = &shrunk;
          scale_back = static_cast<double>(longest) / static_cast<double>(std::max(shrunk.nr(), shrunk.nc()));
        }
      } else if (cfg_.max_dimension > 0 && longest > cfg_.max_dimension) {
        Timer t(times_, Resize);
        const double f = static_cast<double>(cfg_.max_dimension) / static_cast<double>(longest);
        shrunk.set_size(std::max(1L, std::lround(static_cast<double>(original.nr()) * f)),
                        std::max(1L, std::lround(static_cast<double>(original.nc()) * f)));
        dlib::resize_image(original, shrunk, dlib::interpolate_bilinear());
        image = &shrunk;
        scale_back = static_cast<double>(longest) / static_cast<double>(std::max(shrunk.nr(), shrunk.nc()));
      }

      std::vector<dlib::rectangle> boxes;
      if (cfg_.gray) {
        dlib::matrix<unsigned char> grey;
        {
          Timer t(times_, Upsample);
          dlib::assign_image(grey, *image);
        }
        boxes = detect_policy(grey);
      } else {
        boxes = detect_policy(*image);
      }
      if (!boxes.empty()) ++times_.with_faces;
      times_.faces += static_cast<long>(boxes.size());

      std::vector<dlib::chip_details> details;
      {
        Timer t(times_, Landmarks);
        for (const auto& box : boxes)
          details.push_back(dlib::get_face_chip_details(landmarks_(*image, box), 150, 0.25));
      }
      {
        Timer t(times_, Chips);
        dlib::array<biosense::RgbImage> faces;
        dlib::extract_image_chips(*image, details, faces);
        for (std::size_t k = 0; k < faces.size(); ++k) {
          chips.push_back(std::move(faces[k]));
          owners.emplace_back(i, k);
        }
      }
      out[i].faces.resize(boxes.size());
      for (std::size_t k = 0; k < boxes.size(); ++k) out[i].faces[k].box = scaled_box(boxes[k], scale_back);
    }
    if (chips.size() == 0) return;
    Timer t(times_, Encode);
    const std::vector<dlib::matrix<float, 0, 1>> encodings = encoder_(chips, 16);
    for (std::size_t j = 0; j < owners.size(); ++j) {
      auto& enc = out[owners[j].first].faces[owners[j].second].encoding;
      std::copy(encodings[j].begin(), encodings[j].end(), enc.begin());
    }
  }

  Times times() const override { return times_; }
  void reset() override { times_ = Times{}; }

 private:
  static biosense::FaceBox scaled_box(const dlib::rectangle& r, double scale) {
    auto s = [scale](long v) { return static_cast<long>(std::lround(static_cast<double>(v) * scale)); };
    return biosense::FaceBox{s(r.left()), s(r.top()), s(r.right()), s(r.bottom())};
  }

  template <typename Image>
  std::vector<dlib::rectangle> detect_policy(const Image& img) {
    const long longest = std::max(static_cast<long>(num_rows(img)), static_cast<long>(num_columns(img)));
    if (cfg_.fallback && cfg_.upsample > 0 && longest >= cfg_.fallback_min_side) {
      auto boxes = detect_at(img, 0);
      if (!boxes.empty()) {
        if (cfg_.refine)
          for (auto& box : boxes) box = refine(img, box);
        return boxes;
      }
      ++times_.retried;
    }
    return detect_at(img, cfg_.upsample);
  }

  /// The box upsample K finds for the face at `box`, looking only at a crop
  /// of one face size around it (origin aligned to 4 px, so the upsampled
  /// crop's HOG cells line up with the whole image's at the first level).
  template <typename Image>
  dlib::rectangle refine(const Image& img, const dlib::rectangle& box) {
    const long m = static_cast<long>(std::max(box.width(), box.height()));
    dlib::rectangle region = dlib::grow_rect(box, m).intersect(dlib::get_rect(img));
    region.left() -= region.left() % 4;
    region.top() -= region.top() % 4;
    if (region.is_empty()) return box;
    Image crop;
    dlib::assign_image(crop, dlib::sub_image(img, region));
    auto found = detect_at(crop, cfg_.upsample);
    double best = 0.5;  // must overlap the upsample-0 box at least this much (IoU)
    dlib::rectangle chosen = box;
    for (const auto& f : found) {
      const dlib::rectangle r = dlib::translate_rect(f, region.tl_corner());
      const double iou = static_cast<double>(r.intersect(box).area()) / static_cast<double>((r + box).area());
      if (iou > best) {
        best = iou;
        chosen = r;
      }
    }
    if (chosen != box) ++times_.refined;
    return chosen;
  }

  /// face_recognition's call: pyramid_up `upsample` times, detect, map back.
  template <typename Image>
  std::vector<dlib::rectangle> detect_at(const Image& img, int upsample) {
    if (upsample <= 0) return detect(img);
    dlib::pyramid_down<2> pyr;
    Image up;
    {
      Timer t(times_, Upsample);
      dlib::pyramid_up(img, up, pyr);
      for (int i = 1; i < upsample; ++i) dlib::pyramid_up(up);
    }
    auto boxes = detect(up);
    for (auto& box : boxes) box = pyr.rect_down(box, static_cast<unsigned int>(upsample));
    return boxes;
  }

  /// dlib::object_detector::operator() (object_detector.h), with timers.
  template <typename Image>
  std::vector<dlib::rectangle> detect(const Image& img) {
    {
      Timer t(times_, Hog);
      scanner_.load(img);
    }
    Timer t(times_, Scan);
    std::vector<std::pair<double, dlib::rectangle>> dets;
    std::vector<dlib::rect_detection> accum;
    for (std::size_t i = 0; i < filters_.size(); ++i) {
      scanner_.detect(filters_[i], dets, thresholds_[i]);
      for (const auto& d : dets) {
        dlib::rect_detection r;
        r.detection_confidence = d.first - thresholds_[i];
        r.weight_index = i;
        r.rect = d.second;
        accum.push_back(r);
      }
    }
    if (filters_.size() > 1) std::sort(accum.rbegin(), accum.rend());
    std::vector<dlib::rectangle> final_boxes;
    for (const auto& d : accum) {
      const bool overlaps = std::any_of(final_boxes.begin(), final_boxes.end(),
                                        [&](const dlib::rectangle& r) { return overlap_(r, d.rect); });
      if (!overlaps) final_boxes.push_back(d.rect);
    }
    return final_boxes;
  }

  Config cfg_;
  biosense::ImageLimits limits_;
  Scanner scanner_;
  dlib::test_box_overlap overlap_;
  std::vector<Scanner::fhog_filterbank> filters_;
  std::vector<double> thresholds_;
  dlib::shape_predictor landmarks_;
  biosense::net::anet_type encoder_;
  Times times_;
};

// --- driver --------------------------------------------------------------------

std::unique_ptr<Worker> make_worker(const std::shared_ptr<const biosense::Models>& models, const Config& cfg) {
  if (cfg.variant == "engine") return std::make_unique<EngineWorker>(models, cfg);
  return std::make_unique<DirectWorker>(models, cfg);
}

struct PassTime {
  Ns wall{0};
  Ns cpu{0};  ///< process CPU time
};

/// Runs the workers over every photo.
PassTime run_all(std::vector<std::unique_ptr<Worker>>& workers, const std::vector<fs::path>& photos, int batch,
                 std::vector<PhotoOut>& out) {
  out.assign(photos.size(), PhotoOut{});
  const std::size_t step = static_cast<std::size_t>(std::max(1, batch));
  const std::size_t chunks = (photos.size() + step - 1) / step;
  std::atomic<std::size_t> lent{0};
  const auto start = Clock::now();
  const Ns cpu_start = process_cpu_now();
  biosense::parallel_for(
      chunks, static_cast<int>(workers.size()), [&] { return workers.at(lent++ % workers.size()).get(); },
      [&](Worker* w, std::size_t c) { w->run(photos, c * step, std::min(photos.size(), (c + 1) * step), out); });
  return PassTime{Clock::now() - start, process_cpu_now() - cpu_start};
}

double ms(Ns d) { return std::chrono::duration<double, std::milli>(d).count(); }
double seconds(Ns d) { return std::chrono::duration<double>(d).count(); }

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : fallback;
}

/// face_recognition CLI lines for one photo: every known name within
/// tolerance per face, else unknown_person; no_persons_found without faces.
void write_lines(std::ostream& os, const fs::path& file, const PhotoOut& photo,
                 const std::vector<std::pair<std::string, biosense::Encoding>>& known, double tolerance) {
  if (photo.invalid) {
    os << file.string() << ",invalid_image,None\n";
    return;
  }
  if (photo.faces.empty()) {
    os << file.string() << ",no_persons_found,None\n";
    return;
  }
  for (const auto& face : photo.faces) {
    bool any = false;
    for (const auto& [name, enc] : known) {
      const double d = biosense::face_distance(face.encoding, enc);
      if (d <= tolerance) {
        os << fmt::format("{},{},{:.9f}\n", file.string(), name, d);
        any = true;
      }
    }
    if (!any) os << file.string() << ",unknown_person,None\n";
  }
}

std::string describe(const Config& cfg) {
  std::string v = cfg.variant;
  if (cfg.variant == "direct") {
    if (cfg.fallback) v += "+fallback";
    if (cfg.refine) v += "+refine";
    if (cfg.fallback_min_side > 0) v += fmt::format("+minside{}", cfg.fallback_min_side);
    if (cfg.gray) v += "+gray";
    if (cfg.pil_shrink) v += "+pil";
    if (cfg.batch > 1) v += fmt::format("+batch{}", cfg.batch);
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  CLI::App app{"photos/s and per-stage time of the face engine over a folder of photos"};
  app.add_option("photos", cfg.photos, "folder of photos (or one photo)")->required();
  app.add_option("--threads", cfg.threads, "worker threads, one engine each")->check(CLI::Range(1, 256));
  app.add_option("--upsample", cfg.upsample, "HOG upsampling passes")->check(CLI::Range(0, 4));
  app.add_option("--repeat", cfg.repeat, "passes over the photos; photos/s is the median")->check(CLI::Range(1, 100));
  app.add_option("--limit", cfg.limit, "only the first N photos (sorted by name)");
  app.add_option("--variant", cfg.variant, "engine: biosense::DlibEngine; direct: the same loop in bench/")
      ->check(CLI::IsMember({"engine", "direct"}));
  app.add_flag("--fallback", cfg.fallback, "direct: upsample 0 first, --upsample only if no face");
  app.add_flag("--refine", cfg.refine, "direct, with --fallback: re-detect found faces at --upsample in a crop");
  app.add_option("--fallback-min-side", cfg.fallback_min_side,
                 "direct, with --fallback: only for photos with a longest side of at least this many px");
  app.add_flag("--gray", cfg.gray, "direct: HOG on a grey image");
  app.add_flag("--pil-shrink", cfg.pil_shrink,
               "direct: shrink like the face_recognition CLI (PIL Lanczos; KNOWN photos never)");
  app.add_option("--batch", cfg.batch, "direct: encode the faces of this many photos per network call")
      ->check(CLI::Range(1, 1024));
  app.add_option("--max-dimension", cfg.max_dimension, "shrink photos larger than this first (0: never)");
  app.add_option("--known", cfg.known, "folder of <name>.<ext> photos, as for `biosense compare`");
  app.add_option("--output", cfg.output, "with --known: write file,name,distance lines (face_recognition CLI style)");
  app.add_option("--tolerance", cfg.tolerance, "match threshold for --output");
  app.add_option("--boxes", cfg.boxes, "write file,left,top,right,bottom for every face found");
  app.add_option("--json", cfg.json, "also write the figures as JSON to this file");
  app.add_option("--detector", cfg.detector, "engine: hog, yunet or cnn")
      ->check(CLI::IsMember({"hog", "yunet", "cnn"}));
  app.add_option("--retry-upsample", cfg.retry_upsample, "engine: HOG look at this upsampling when none is found");
  app.add_option("--detect-max-dimension", cfg.detect_max_dimension, "engine: detect on photos shrunk to this side");
  app.add_flag("--mirror", cfg.mirror, "engine: mirrored encodings, as the pass");
  CLI11_PARSE(app, argc, argv);
  if ((cfg.fallback || cfg.gray || cfg.pil_shrink || cfg.batch > 1) && cfg.variant != "direct") {
    std::cerr << "--fallback, --gray, --pil-shrink and --batch need --variant direct\n";
    return 1;
  }
  if ((cfg.refine || cfg.fallback_min_side > 0) && !cfg.fallback) {
    std::cerr << "--refine and --fallback-min-side need --fallback\n";
    return 1;
  }
  if (!cfg.output.empty() && cfg.known.empty()) {
    std::cerr << "--output needs --known\n";
    return 1;
  }

  try {
    std::vector<fs::path> photos = biosense::list_images(cfg.photos);
    if (cfg.limit > 0 && static_cast<std::size_t>(cfg.limit) < photos.size())
      photos.resize(static_cast<std::size_t>(cfg.limit));
    if (photos.empty()) {
      std::cerr << "no photos in " << cfg.photos << "\n";
      return 1;
    }
    biosense::limit_blas_threads();

    auto models = biosense::Models::load({}, cfg.detector == "cnn", cfg.detector == "yunet");
    std::vector<std::unique_ptr<Worker>> workers;
    for (int i = 0; i < cfg.threads; ++i) workers.push_back(make_worker(models, cfg));

    // Known faces first (not timed), with the same variant.
    std::vector<std::pair<std::string, biosense::Encoding>> known;
    if (!cfg.known.empty()) {
      const auto known_files = biosense::list_images(cfg.known);
      std::vector<PhotoOut> known_out;
      for (auto& w : workers) w->set_unknown_pass(false);
      run_all(workers, known_files, 1, known_out);
      for (auto& w : workers) w->set_unknown_pass(true);
      for (std::size_t i = 0; i < known_files.size(); ++i)
        if (!known_out[i].invalid && !known_out[i].faces.empty())
          known.emplace_back(biosense::known_name(known_files[i]), known_out[i].faces.front().encoding);
        else
          std::cerr << "no face in known photo " << known_files[i] << ": ignored\n";
      for (auto& w : workers) w->reset();
    }

    std::vector<double> rates;
    std::vector<double> walls;
    Ns process_cpu{0};
    std::vector<PhotoOut> out;
    Times total;
    for (int r = 0; r < cfg.repeat; ++r) {
      const PassTime pass_time = run_all(workers, photos, cfg.batch, out);
      walls.push_back(seconds(pass_time.wall));
      rates.push_back(static_cast<double>(photos.size()) / seconds(pass_time.wall));
      process_cpu += pass_time.cpu;
      Times pass;
      for (auto& w : workers) {
        pass += w->times();
        w->reset();
      }
      if (r == 0) {
        total = pass;
      } else {
        Times counts = total;  // counts are per pass: keep the first pass's
        total += pass;
        total.images = counts.images;
        total.invalid = counts.invalid;
        total.faces = counts.faces;
        total.with_faces = counts.with_faces;
        total.retried = counts.retried;
        total.refined = counts.refined;
      }
    }
    std::vector<double> sorted = rates;
    std::sort(sorted.begin(), sorted.end());
    const double median = sorted[sorted.size() / 2];
    const double best = sorted.back();

    if (!cfg.output.empty()) {
      std::ofstream os(cfg.output);
      for (std::size_t i = 0; i < photos.size(); ++i) write_lines(os, photos[i], out[i], known, cfg.tolerance);
      if (!os) throw std::runtime_error("cannot write " + cfg.output.string());
    }

    if (!cfg.boxes.empty()) {
      std::ofstream os(cfg.boxes);
      for (std::size_t i = 0; i < photos.size(); ++i)
        for (const auto& f : out[i].faces)
          os << fmt::format("{},{},{},{},{}\n", photos[i].filename().string(), f.box.left, f.box.top, f.box.right,
                            f.box.bottom);
      if (!os) throw std::runtime_error("cannot write " + cfg.boxes.string());
    }

    // Stage shares: time per photo, summed over threads and passes.
    const double per = static_cast<double>(photos.size()) * cfg.repeat;
    Ns sum{0};
    Ns cpu_sum{0};
    for (std::size_t i = 0; i < kStages; ++i) {
      sum += total.stage[i];
      cpu_sum += total.cpu[i];
    }
    const bool have_cpu = cpu_sum > Ns{0};
    const double cpu_ms_per_photo = ms(process_cpu) / per;
    const std::string variant = describe(cfg);
    const std::string blas = env_or("OPENBLAS_NUM_THREADS", "unset");

    std::cout << fmt::format("bench_engine: {} photos from {}\n", photos.size(), cfg.photos.string());
    std::cout << fmt::format(
        "variant {}, upsample {}, threads {}, repeat {}; build {} {} native={}; "
        "OPENBLAS_NUM_THREADS={}\n",
        variant, cfg.upsample, cfg.threads, cfg.repeat, BENCH_BUILD_TYPE, BENCH_COMPILER, BENCH_NATIVE, blas);
    std::string runs;
    for (double r : rates) runs += fmt::format(" {:.2f}", r);
    std::cout << fmt::format(
        "photos/s: {:.2f} median, {:.2f} best (runs:{}); CPU {:.1f} ms/photo "
        "(= {:.2f} photos per CPU-second)\n",
        median, best, runs, cpu_ms_per_photo, 1000.0 / cpu_ms_per_photo);
    std::cout << fmt::format("faces: {} in {} photos; {} without a face; {} invalid", total.faces, total.with_faces,
                             total.images - total.with_faces - total.invalid, total.invalid);
    if (cfg.fallback) std::cout << fmt::format("; {} detected again at upsample {}", total.retried, cfg.upsample);
    if (cfg.refine) std::cout << fmt::format("; {} boxes refined", total.refined);
    std::cout << "\n";
    std::cout << fmt::format("{:<14}{:>14}{:>8}{}\n", "stage", "wall ms/photo", "%",
                             have_cpu ? fmt::format("{:>14}{:>8}", "CPU ms/photo", "%") : "");
    for (std::size_t i = 0; i < kStages; ++i) {
      if (total.stage[i] == Ns{0}) continue;
      std::cout << fmt::format(
          "{:<14}{:>14.2f}{:>8.1f}{}\n", kStageNames[i], ms(total.stage[i]) / per, 100.0 * ms(total.stage[i]) / ms(sum),
          have_cpu ? fmt::format("{:>14.2f}{:>8.1f}", ms(total.cpu[i]) / per, 100.0 * ms(total.cpu[i]) / ms(cpu_sum))
                   : "");
    }
    std::cout << fmt::format("{:<14}{:>14.2f}{:>8.1f}{}\n", "total", ms(sum) / per, 100.0,
                             have_cpu ? fmt::format("{:>14.2f}{:>8.1f}", ms(cpu_sum) / per, 100.0) : "");
    std::cout << fmt::format("(wall per stage is summed over threads; wall x threads / photos = {:.2f} ms)\n",
                             1000.0 * cfg.threads / median);

    if (!cfg.json.empty()) {
      namespace json = biosense::json;
      auto stage_map = [&](const std::array<Ns, kStages>& times, Ns total_time, bool percent) {
        std::string m = "{";
        bool first = true;
        for (std::size_t i = 0; i < kStages; ++i) {
          if (times[i] == Ns{0}) continue;
          const double v = percent ? 100.0 * ms(times[i]) / ms(total_time) : ms(times[i]) / per;
          m += fmt::format("{}{}: {}", first ? "" : ", ", json::quote(kStageNames[i]), json::number(v, 3));
          first = false;
        }
        return m + "}";
      };
      std::string s = "{\n";
      s += fmt::format("  \"photos\": {},\n  \"folder\": {},\n", photos.size(), json::quote(cfg.photos.string()));
      s += fmt::format("  \"variant\": {},\n  \"upsample\": {},\n  \"threads\": {},\n  \"repeat\": {},\n",
                       json::quote(variant), cfg.upsample, cfg.threads, cfg.repeat);
      s += fmt::format("  \"build_type\": {},\n  \"cxx_flags\": {},\n  \"native\": {},\n  \"compiler\": {},\n",
                       json::quote(BENCH_BUILD_TYPE), json::quote(BENCH_CXX_FLAGS), BENCH_NATIVE ? "true" : "false",
                       json::quote(BENCH_COMPILER));
      s += fmt::format("  \"openblas_num_threads\": {},\n", json::quote(blas));
      std::string runs_json, walls_json;
      for (std::size_t i = 0; i < rates.size(); ++i) {
        runs_json += (i ? ", " : "") + json::number(rates[i], 3);
        walls_json += (i ? ", " : "") + json::number(walls[i], 3);
      }
      s += fmt::format(
          "  \"photos_per_s\": {},\n  \"photos_per_s_best\": {},\n  \"runs_photos_per_s\": [{}],\n"
          "  \"runs_wall_s\": [{}],\n",
          json::number(median, 3), json::number(best, 3), runs_json, walls_json);
      s += fmt::format("  \"process_cpu_ms_per_photo\": {},\n", json::number(cpu_ms_per_photo, 3));
      s += fmt::format(
          "  \"faces\": {},\n  \"photos_with_faces\": {},\n  \"invalid\": {},\n  \"retried\": {},\n"
          "  \"refined\": {},\n",
          total.faces, total.with_faces, total.invalid, total.retried, total.refined);
      s += "  \"stages_ms_per_photo\": " + stage_map(total.stage, sum, false) + ",\n";
      s += "  \"stages_percent\": " + stage_map(total.stage, sum, true) + ",\n";
      if (have_cpu) {
        s += "  \"stages_cpu_ms_per_photo\": " + stage_map(total.cpu, cpu_sum, false) + ",\n";
        s += "  \"stages_cpu_percent\": " + stage_map(total.cpu, cpu_sum, true) + ",\n";
      }
      s += fmt::format("  \"thread_ms_per_photo\": {}\n}}\n", json::number(ms(sum) / per, 3));
      std::ofstream os(cfg.json);
      os << s;
      if (!os) throw std::runtime_error("cannot write " + cfg.json.string());
    }
  } catch (const std::exception& e) {
    std::cerr << "bench_engine: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
