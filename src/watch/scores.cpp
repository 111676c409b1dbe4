/// Spreads of landmarks, boxes, pose proxies and encodings across frames.
#include "biosense/watch/scores.hpp"

#include <algorithm>
#include <cmath>

namespace biosense {
namespace {

constexpr double kPi = 3.14159265358979323846;
/// iBUG 68-point indices.
constexpr std::size_t kRightEyeFirst = 36, kLeftEyeFirst = 42, kEyePoints = 6, kNoseTip = 30;

Point2 mean_of(const Shape68& s, std::size_t first, std::size_t count) {
  Point2 m;
  for (std::size_t i = first; i < first + count; ++i) {
    m.x += s[i].x;
    m.y += s[i].y;
  }
  m.x /= static_cast<double>(count);
  m.y /= static_cast<double>(count);
  return m;
}

double std_dev(const std::vector<double>& v) {
  if (v.size() < 2) return 0.0;
  double mean = 0.0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  double sq = 0.0;
  for (double x : v) sq += (x - mean) * (x - mean);
  return std::sqrt(sq / static_cast<double>(v.size()));
}

struct Normalized {
  Shape68 points{};
  double roll_deg = 0.0;
};

/// The shape in the eyes' frame; false when the eyes coincide.
bool normalize(const Shape68& s, Normalized& out) {
  const Point2 a = mean_of(s, kRightEyeFirst, kEyePoints);  // the subject's right eye, left in the image
  const Point2 b = mean_of(s, kLeftEyeFirst, kEyePoints);
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double iod = std::hypot(dx, dy);
  if (iod < 1.0) return false;
  const double ux = dx / iod, uy = dy / iod;
  const Point2 o{(a.x + b.x) / 2.0, (a.y + b.y) / 2.0};
  for (std::size_t i = 0; i < kShapePoints; ++i) {
    const double px = s[i].x - o.x, py = s[i].y - o.y;
    out.points[i] = Point2{(px * ux + py * uy) / iod, (-px * uy + py * ux) / iod};
  }
  out.roll_deg = std::atan2(dy, dx) * 180.0 / kPi;
  return true;
}

}  // namespace

ShapeScores score_faces(const std::vector<FrameFace>& faces) {
  ShapeScores scores;
  std::vector<Normalized> shapes;
  std::vector<const FrameFace*> used;
  for (const FrameFace& f : faces) {
    Normalized n;
    if (!normalize(f.face.points, n)) continue;
    shapes.push_back(n);
    used.push_back(&f);
  }
  scores.frames = shapes.size();
  if (shapes.size() < 2) return scores;
  const double count = static_cast<double>(shapes.size());

  Shape68 mean{};
  for (const auto& s : shapes)
    for (std::size_t i = 0; i < kShapePoints; ++i) {
      mean[i].x += s.points[i].x / count;
      mean[i].y += s.points[i].y / count;
    }
  double sq = 0.0;
  for (const auto& s : shapes)
    for (std::size_t i = 0; i < kShapePoints; ++i) {
      const double dx = s.points[i].x - mean[i].x, dy = s.points[i].y - mean[i].y;
      sq += dx * dx + dy * dy;
    }
  scores.shape_residual = std::sqrt(sq / (count * static_cast<double>(kShapePoints)));

  std::vector<double> cx, cy, w, roll, yaw, pitch;
  for (std::size_t k = 0; k < shapes.size(); ++k) {
    const FrameFace& f = *used[k];
    const double fw = static_cast<double>(std::max(1L, f.frame_width));
    const double fh = static_cast<double>(std::max(1L, f.frame_height));
    const FaceBox& b = f.face.box;
    cx.push_back(static_cast<double>(b.left + b.right) / 2.0 / fw);
    cy.push_back(static_cast<double>(b.top + b.bottom) / 2.0 / fh);
    w.push_back(static_cast<double>(b.width()) / fw);
    roll.push_back(shapes[k].roll_deg);
    yaw.push_back(shapes[k].points[kNoseTip].x);
    pitch.push_back(shapes[k].points[kNoseTip].y);
  }
  scores.box_spread = std::max({std_dev(cx), std_dev(cy), std_dev(w)});
  scores.roll_spread_deg = std_dev(roll);
  scores.yaw_spread = std_dev(yaw);
  scores.pitch_spread = std_dev(pitch);

  double distance_sum = 0.0;
  long pairs = 0;
  for (std::size_t i = 0; i < used.size(); ++i)
    for (std::size_t j = i + 1; j < used.size(); ++j) {
      distance_sum += face_distance(used[i]->face.encoding, used[j]->face.encoding);
      ++pairs;
    }
  scores.encoding_spread = pairs > 0 ? distance_sum / static_cast<double>(pairs) : 0.0;
  return scores;
}

double frame_change(const std::vector<float>& a, const std::vector<float>& b) {
  const std::size_t n = std::min(a.size(), b.size());
  if (n == 0 || a.size() != b.size()) return 1.0;  // not comparable: count as changed
  const auto stats = [n](const std::vector<float>& v) {
    double mean = 0.0, sq = 0.0;
    for (std::size_t i = 0; i < n; ++i) mean += v[i];
    mean /= static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i) sq += (v[i] - mean) * (v[i] - mean);
    const double sd = std::sqrt(sq / static_cast<double>(n));
    return std::pair<double, double>{mean, sd};
  };
  const auto [ma, sa] = stats(a);
  const auto [mb, sb] = stats(b);
  // A flat frame (a covered lens) has no contrast to normalize by: compare
  // grey levels directly, in units of a typical frame's contrast (~50 levels).
  constexpr double kFlatContrast = 1.0, kTypicalContrast = 50.0;
  const double da = sa < kFlatContrast ? kTypicalContrast : sa;
  const double db = sb < kFlatContrast ? kTypicalContrast : sb;
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) sum += std::abs((a[i] - ma) / da - (b[i] - mb) / db);
  return sum / static_cast<double>(n);
}

}  // namespace biosense
