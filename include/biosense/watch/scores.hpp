#pragma once
/// The measurements behind the watch's alerts, as pure functions of what the
/// engine saw (face_shape.hpp). No database, no dlib.
#include <vector>

#include "biosense/engine/face_shape.hpp"

namespace biosense {

/// A face with the size of the frame it was found in.
struct FrameFace {
  ShapedFace face;
  long frame_width = 0;
  long frame_height = 0;
};

/// How much a face varies across frames. Landmarks are first put in the
/// eyes' frame of reference: origin between the eye centres, x along the
/// eye line, one unit = the inter-ocular distance (IOD). A flat photo moved,
/// tilted in-plane or rescaled keeps the same normalized shape; a live head
/// turns, nods and changes expression, which moves the normalized points.
struct ShapeScores {
  std::size_t frames = 0;
  /// RMS distance of the 68 normalized points from their mean position (IOD).
  /// The main impersonation score: near zero means the same rigid picture.
  double shape_residual = 0.0;
  /// Largest standard deviation of the box centre x / frame width, centre
  /// y / frame height and box width / frame width.
  double box_spread = 0.0;
  double roll_spread_deg = 0.0;  ///< std dev of the eye line's angle (degrees)
  double yaw_spread = 0.0;       ///< std dev of the nose tip's offset along the eye line (IOD)
  double pitch_spread = 0.0;     ///< std dev of the nose tip's distance below the eye line (IOD)
  double encoding_spread = 0.0;  ///< mean pairwise distance of the encodings
};

/// Scores `faces` (one per frame, at least 2). Frames whose eyes coincide
/// (a degenerate detection) are left out; frames counts those used.
ShapeScores score_faces(const std::vector<FrameFace>& faces);

/// Whole-frame change between two thumbnails (frame_thumbnail): each is
/// normalized to zero mean and unit standard deviation (so brightness and
/// contrast changes of the camera do not count), then the mean absolute
/// difference is taken. 0 for the same picture; sensor noise alone gives a
/// few hundredths; a moving person tenths.
double frame_change(const std::vector<float>& a, const std::vector<float>& b);

}  // namespace biosense
