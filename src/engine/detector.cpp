#include "biosense/engine/detector.hpp"

#include "biosense/engine/yunet.hpp"

namespace biosense {

std::string detector_name(Detector d) {
  switch (d) {
    case Detector::Hog: return "hog";
    case Detector::Cnn: return "cnn";
    case Detector::Yunet: return "yunet";
  }
  return "hog";
}

std::optional<Detector> parse_detector(std::string_view name) {
  for (Detector d : {Detector::Hog, Detector::Cnn, Detector::Yunet})
    if (name == detector_name(d)) return d;
  return std::nullopt;
}

bool detector_runs_here(Detector d) { return d != Detector::Yunet || YunetLibrary::cpu_supported(); }

Detector runnable_detector(Detector d) { return detector_runs_here(d) ? d : Detector::Hog; }

}  // namespace biosense
