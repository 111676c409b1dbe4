#pragma once
/// A face engine that reads its verdict from the photo bytes, for fast pass
/// tests without model weights: "faces:0.1,0.9" is two faces whose encodings
/// are (0.1, 0, ...) and (0.9, 0, ...); "faces:" is no face; anything else is
/// an invalid image. "blur:" before "faces:" makes every face blurred;
/// "hidden:" before it hides the faces from analyze() but not from
/// analyze_enrolment() (a face only the enrolment's harder look finds).
#include <atomic>
#include <optional>
#include <sstream>
#include <string>

#include "biosense/engine/face.hpp"

namespace biosense::test {

inline Bytes photo(const std::string& spec) { return Bytes(spec.begin(), spec.end()); }

inline Encoding encoding_at(float x) {
  Encoding e{};
  e[0] = x;
  return e;
}

class FakeEngine final : public FaceEngine {
 public:
  using FaceEngine::analyze;
  using FaceEngine::analyze_enrolment;
  AnalysisResult analyze(const std::uint8_t* data, std::size_t size) override { return look(data, size, false); }
  AnalysisResult analyze_enrolment(const std::uint8_t* data, std::size_t size) override {
    ++enrolment_calls;
    return look(data, size, true);
  }
  std::atomic<int> calls{0};
  std::atomic<int> enrolment_calls{0};
  std::optional<double> mirror_gap;  ///< given to every face found

 private:
  AnalysisResult look(const std::uint8_t* data, std::size_t size, bool enrolment) {
    ++calls;
    std::string spec(reinterpret_cast<const char*>(data), size);
    const bool hidden = spec.rfind("hidden:", 0) == 0;
    if (hidden) spec = spec.substr(7);
    if (hidden && !enrolment) spec = "faces:";
    const bool blurred = spec.rfind("blur:", 0) == 0;
    if (blurred) spec = spec.substr(5);
    if (spec.rfind("faces:", 0) != 0) return InvalidImage{"fake: not a photo"};
    FaceAnalysis analysis;
    std::istringstream in(spec.substr(6));
    std::string item;
    while (std::getline(in, item, ',')) {
      Face face;
      face.box = FaceBox{10, 10, 109, 109};
      face.encoding = encoding_at(std::stof(item));
      face.sharpness = blurred ? 1.0 : 100.0;
      face.mirror_gap = mirror_gap;
      analysis.faces.push_back(face);
    }
    return analysis;
  }
};

}  // namespace biosense::test
