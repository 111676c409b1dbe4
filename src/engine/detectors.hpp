#pragma once
/// The engine's FaceDetector implementations (HOG, dlib's CNN, YuNet) and the
/// shrink the engine and the detectors share. Internal to the engine.
#include <memory>

#include "biosense/engine/detector.hpp"
#include "biosense/engine/image.hpp"
#include "biosense/engine/models.hpp"

namespace biosense::detail {

/// When `image`'s longest side is over `max_dimension` (> 0), shrinks it
/// bilinearly into `out` and returns the factor that maps `out`'s coordinates
/// back to `image`'s; otherwise leaves `out` alone and returns 1.0.
double shrink_longest_side(const RgbImage& image, long max_dimension, RgbImage& out);

/// `box` (in a shrunk image's coordinates) times `scale`.
dlib::rectangle scaled_rectangle(const dlib::rectangle& box, double scale);

/// A new detector of `kind` for one thread. CNN copies the shared network
/// (`models` must hold it: ModelError otherwise) and sees photos shrunk to
/// `cnn_max_dimension`; YuNet needs its library loaded in `models`.
std::unique_ptr<FaceDetector> make_face_detector(Detector kind, const std::shared_ptr<const Models>& models,
                                                 long cnn_max_dimension);

}  // namespace biosense::detail
