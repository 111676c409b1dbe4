#pragma once
/// Pure decisions: an image row plus what the engine saw -> a Decision.
/// No database, no files, no dlib; the pass and the consumers share these.
#include "biosense/calibration/calibration.hpp"
#include "biosense/engine/face.hpp"
#include "biosense/engine/models.hpp"
#include "biosense/pass/gallery.hpp"
#include "biosense/storage/records.hpp"

namespace biosense {

/// The thresholds behind every verdict; configuration, with defaults
/// documented in docs/pass.md.
struct DecisionPolicy {
  double tolerance = 0.6;       ///< largest distance that is the same person (dlib's figure)
  long min_face_px = 60;        ///< enrolment: smaller faces are LOW_QUALITY
  double min_sharpness = 10.0;  ///< enrolment: blurrier chips are LOW_QUALITY
  /// Recorded with each decision and each enrolment encoding: how the engine
  /// encodes faces (engine/dlib_engine.hpp's encoding_version()).
  std::string encoding_version = kModelVersion;
  /// The engine measures each face's mirror gap (it mirrors): a benchmark
  /// cached without one (before migration 005) is encoded again, once.
  bool mirror_gaps = false;
  /// Also compare each snapshot with every enrolled agent's benchmark and
  /// refuse a match when another agent is closer (docs/pass.md, "The gallery
  /// check"; `pass.gallery_check`). The Decider reads it; decide_stream()
  /// checks whenever it is given a gallery.
  bool gallery_check = true;
};

/// The agent's benchmark as far as a snapshot is concerned.
struct Benchmark {
  enum class State {
    Ready,   ///< approved, with its encoding
    None,    ///< no approved train_img: NO_TRAINING_IMAGE
    Failed,  ///< newest train_img failed validation: TRAINING_IMAGE_FAILED
    Busy,    ///< another worker is validating it now; the pass leaves these rows for later
  };
  State state = State::None;
  std::int64_t train_img_id = 0;
  Encoding encoding{};
  std::optional<double> mirror_gap = std::nullopt;  ///< the benchmark face's (Face::mirror_gap)
  std::string detail;
};

/// Validates an enrolment photo: exactly one face, large and sharp enough.
/// `analysis` is null when the row's image is NULL.
Decision decide_train(const ImageRow& row, const AnalysisResult* analysis, const DecisionPolicy& policy);

/// Verifies a snapshot against the agent's benchmark. `analysis` may be null
/// when the benchmark is not Ready (nothing to compare with) or the image is NULL.
///
/// The gallery check, when `gallery` is not null and holds encodings of
/// policy.encoding_version: the face closest to the benchmark is also
/// compared with every other agent's (Gallery::closest_other); the closest
/// one is recorded in closest_lan_id/closest_distance whatever the verdict,
/// and when it is strictly closer than the claimed agent's benchmark, a
/// SUCCESS / SUCCESS_MULTIPLE_FACES becomes UNKNOWN_PERSON /
/// UNKNOWN_MULTIPLE_FACES, with both agents and distances in the detail.
/// distance stays the claimed agent's; accuracy becomes the confidence that
/// the face is the claimed agent and not that other one: P(same | distance,
/// gaps) x (1 - P(same | closest_distance)). A genuine snapshot, with every
/// other agent beyond ~0.6, keeps its confidence (x 0.995 or more with the
/// shipped curve); a colleague close to their own benchmark reads near 0.
Decision decide_stream(const ImageRow& row, const Benchmark& benchmark, const AnalysisResult* analysis,
                       const DecisionPolicy& policy, const Calibration& calibration, const Gallery* gallery);

}  // namespace biosense
