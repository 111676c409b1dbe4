#include "biosense/pass/decide.hpp"

#include <fmt/format.h>

#include <limits>

namespace biosense {
namespace {

Decision start(const ImageRow& row, ImageKind kind, const DecisionPolicy& policy) {
  Decision d;
  d.kind = kind;
  d.id = row.id;
  d.lan_id = row.lan_id;
  d.model_version = policy.encoding_version;
  return d;
}

/// Common to both flows: a NULL or undecodable photo, or no face.
bool settle_unusable(Decision& d, const AnalysisResult* analysis) {
  if (analysis == nullptr) {
    d.result = ResultCode::InvalidImage;
    d.detail = "image is NULL";
    return true;
  }
  if (const auto* bad = std::get_if<InvalidImage>(analysis)) {
    d.result = ResultCode::InvalidImage;
    d.detail = bad->reason;
    return true;
  }
  const auto& faces = std::get<FaceAnalysis>(*analysis).faces;
  d.num_faces = static_cast<int>(faces.size());
  if (faces.empty()) {
    d.result = ResultCode::NoFacesFound;
    d.detail = "no face found";
    return true;
  }
  return false;
}

/// The gallery check of a stream decision `d` whose best face (`face`) lies
/// `claimed` from the benchmark `benchmark_id` (decide_stream's contract).
void check_gallery(Decision& d, const Gallery& gallery, const Encoding& face, std::int64_t benchmark_id, double claimed,
                   const Calibration& calibration) {
  const auto other = gallery.closest_other(face, d.lan_id, benchmark_id);
  if (!other) return;
  d.closest_lan_id = other->lan_id;
  d.closest_distance = other->distance;
  // The confidence that the face is the claimed agent *and not* the closest
  // other one: a colleague's face close to their own benchmark reads near 0%,
  // a genuine snapshot (other agents beyond ~0.6) keeps its confidence.
  if (d.accuracy) d.accuracy = *d.accuracy * (1.0 - calibration.probability_same(other->distance));
  const bool matched = d.result == ResultCode::Success || d.result == ResultCode::SuccessMultipleFaces;
  if (matched && other->distance < claimed) {
    d.result = d.result == ResultCode::Success ? ResultCode::UnknownPerson : ResultCode::UnknownMultipleFaces;
    d.detail += fmt::format(
        "; enrolled agent {} (training image {}) is closer at {:.4f} than the claimed agent's benchmark at {:.4f}: "
        "not verified",
        other->lan_id, other->train_img_id, other->distance, claimed);
  } else {
    d.detail += fmt::format("; closest other enrolled agent {} at {:.4f}", other->lan_id, other->distance);
  }
}

}  // namespace

Decision decide_train(const ImageRow& row, const AnalysisResult* analysis, const DecisionPolicy& policy) {
  Decision d = start(row, ImageKind::Train, policy);
  if (settle_unusable(d, analysis)) return d;
  const auto& faces = std::get<FaceAnalysis>(*analysis).faces;
  if (faces.size() > 1) {
    d.result = ResultCode::MultipleFaces;
    d.detail = fmt::format("{} faces found; an enrolment photo must show one", faces.size());
    return d;
  }
  const Face& face = faces.front();
  const long size = std::min(face.box.width(), face.box.height());
  if (size < policy.min_face_px) {
    d.result = ResultCode::LowQuality;
    d.detail = fmt::format("face is {} px, below the {} px minimum", size, policy.min_face_px);
    return d;
  }
  if (face.sharpness < policy.min_sharpness) {
    d.result = ResultCode::LowQuality;
    d.detail = fmt::format("face is blurred (sharpness {:.1f}, minimum {:.1f})", face.sharpness, policy.min_sharpness);
    return d;
  }
  d.result = ResultCode::Success;
  d.detail = fmt::format("one face, {} px, sharpness {:.1f}", size, face.sharpness);
  d.encoding =
      StoredEncoding{row.id, policy.encoding_version, face.encoding, face.box, face.sharpness, face.mirror_gap};
  return d;
}

Decision decide_stream(const ImageRow& row, const Benchmark& benchmark, const AnalysisResult* analysis,
                       const DecisionPolicy& policy, const Calibration& calibration, const Gallery* gallery) {
  Decision d = start(row, ImageKind::Stream, policy);
  if (benchmark.state == Benchmark::State::None) {
    d.result = ResultCode::NoTrainingImage;
    d.detail = benchmark.detail.empty() ? "agent has no approved training image" : benchmark.detail;
    return d;
  }
  if (benchmark.state == Benchmark::State::Failed) {
    d.result = ResultCode::TrainingImageFailed;
    d.benchmark_id = benchmark.train_img_id;
    d.detail = benchmark.detail;
    return d;
  }
  d.benchmark_id = benchmark.train_img_id;
  if (settle_unusable(d, analysis)) return d;
  const auto& faces = std::get<FaceAnalysis>(*analysis).faces;
  double best = std::numeric_limits<double>::infinity();
  const Face* closest = nullptr;
  for (const auto& face : faces)
    if (const double distance = face_distance(face.encoding, benchmark.encoding); distance < best)
      best = distance, closest = &face;
  const bool match = best <= policy.tolerance;
  const bool several = faces.size() > 1;
  d.result = match ? (several ? ResultCode::SuccessMultipleFaces : ResultCode::Success)
                   : (several ? ResultCode::UnknownMultipleFaces : ResultCode::UnknownPerson);
  d.distance = best;
  d.accuracy = calibration.percent(best, pair_mirror_gaps(closest->mirror_gap, benchmark.mirror_gap));
  d.detail = fmt::format("{} face(s), best distance {:.4f} (tolerance {})", faces.size(), best, policy.tolerance);
  if (gallery != nullptr && gallery->encoding_version() == policy.encoding_version)
    check_gallery(d, *gallery, closest->encoding, benchmark.train_img_id, best, calibration);
  return d;
}

}  // namespace biosense
