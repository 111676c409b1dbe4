#pragma once
/// The watch's settings (issue 8): window, frame count and thresholds.
/// Defaults are the ones measured in docs/liveness.md. No dlib, no SQL here,
/// so the command line can hold them.
#include <chrono>
#include <cstddef>

namespace biosense {

struct WatchThresholds {
  /// IMPERSONATION when the last `frames` SUCCESS faces' shape residual
  /// (scores.hpp, in inter-ocular distances) is at or below this.
  double shape_residual = 0.03;
  /// FROZEN_FEED when `frames` consecutive frames each change by at most this
  /// (frame_change, in units of the frame's contrast).
  double frozen_change = 0.01;
  /// ABSENT when more than this share of the decided snapshots has no face.
  double absent_share = 0.5;
  /// SUBSTITUTED when more than this share shows an unknown person.
  double substituted_share = 0.5;
};

struct WatchOptions {
  /// Each run inspects the snapshots captured in (end - window, end].
  std::chrono::seconds window{600};
  /// N: impersonation compares the last N SUCCESS snapshots; FROZEN_FEED needs
  /// N unchanged consecutive frames; ABSENT/SUBSTITUTED need N decided ones.
  std::size_t frames = 3;
  WatchThresholds thresholds;
};

}  // namespace biosense
