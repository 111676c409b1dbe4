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

CpuFeatures CpuFeatures::of_this_machine() {
  __builtin_cpu_init();
  return CpuFeatures{__builtin_cpu_supports("avx2") != 0, __builtin_cpu_supports("fma") != 0};
}

bool detector_runs_on(Detector d, const CpuFeatures& cpu) { return d != Detector::Yunet || (cpu.avx2 && cpu.fma); }

bool detector_runs_here(Detector d) { return detector_runs_on(d, CpuFeatures::of_this_machine()); }

Detector runnable_detector(Detector d) { return detector_runs_here(d) ? d : Detector::Hog; }

std::string fallback_warning(Detector asked, const CpuFeatures& cpu) {
  if (detector_runs_on(asked, cpu)) return {};
  return "detector " + detector_name(asked) +
         " needs a CPU with AVX2 and FMA, which this one lacks: detecting with hog instead";
}

}  // namespace biosense
