#include "biosense/calibration/score_pairs.hpp"

#include <cmath>
#include <map>
#include <mutex>
#include <optional>

namespace biosense {
namespace {

struct ImageResult {
  std::optional<Encoding> encoding;
  std::string failure;
  bool multi_face = false;
  std::optional<double> mirror_gap;
};

ImageResult encode_one(DlibEngine& engine, const std::filesystem::path& file) {
  auto bytes = read_image_file(file, engine.options().limits.max_bytes);
  if (auto* invalid = std::get_if<InvalidImage>(&bytes)) return {std::nullopt, invalid->reason, false, std::nullopt};
  auto analysis = engine.analyze(std::get<Bytes>(bytes));
  if (auto* invalid = std::get_if<InvalidImage>(&analysis)) return {std::nullopt, invalid->reason, false, std::nullopt};
  const auto& faces = std::get<FaceAnalysis>(analysis).faces;
  if (faces.empty()) return {std::nullopt, "no face found", false, std::nullopt};
  const Face& subject = *subject_face(std::get<FaceAnalysis>(analysis));
  return {subject.encoding, {}, faces.size() > 1, subject.mirror_gap};
}

}  // namespace

const Face* subject_face(const FaceAnalysis& analysis) {
  const Face* best = nullptr;
  double best_score = 0.0;
  const double cx = static_cast<double>(analysis.width) / 2.0, cy = static_cast<double>(analysis.height) / 2.0;
  const double diagonal = std::hypot(cx, cy);
  for (const auto& f : analysis.faces) {
    const double fx = static_cast<double>(f.box.left + f.box.right) / 2.0;
    const double fy = static_cast<double>(f.box.top + f.box.bottom) / 2.0;
    const double off_centre = std::hypot(fx - cx, fy - cy) / std::max(diagonal, 1.0);  // 0 .. 1
    const double score = static_cast<double>(f.box.width() * f.box.height()) * (1.0 - off_centre);
    if (best == nullptr || score > best_score) best = &f, best_score = score;
  }
  return best;
}

ScoredPairs score_pairs(const PairsFile& file, const std::filesystem::path& images_dir, EnginePool& pool,
                        const std::function<void(std::size_t, std::size_t)>& progress) {
  std::map<std::string, std::size_t> index;  // path -> position in `paths`
  std::vector<std::string> paths;
  for (const auto& p : file.pairs)
    for (const auto* path : {&p.image1, &p.image2})
      if (index.emplace(*path, paths.size()).second) paths.push_back(*path);

  std::vector<ImageResult> results(paths.size());
  std::mutex progress_mutex;
  std::size_t done = 0;
  parallel_for(paths.size(), pool.size(), pool.lender(), [&](DlibEngine* engine, std::size_t i) {
    results[i] = encode_one(*engine, images_dir / paths[i]);
    if (progress) {
      std::lock_guard<std::mutex> lock(progress_mutex);
      progress(++done, paths.size());
    }
  });

  ScoredPairs out;
  out.images = paths.size();
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (!results[i].encoding) out.failed_images.push_back({paths[i], results[i].failure});
    if (results[i].multi_face) ++out.multi_face_images;
  }
  for (const auto& p : file.pairs) {
    const auto& a = results[index.at(p.image1)];
    const auto& b = results[index.at(p.image2)];
    ScoredPair s;
    s.same = p.same;
    s.fold = p.fold;
    s.failed = !a.encoding || !b.encoding;
    if (!s.failed) s.distance = face_distance(*a.encoding, *b.encoding);
    if (!s.failed) s.mirror_gaps = pair_mirror_gaps(a.mirror_gap, b.mirror_gap);
    out.pairs.push_back(s);
  }
  return out;
}

}  // namespace biosense
