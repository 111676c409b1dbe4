#pragma once
/// Distance -> confidence. `accuracy` in the database and the confidence
/// column of `compare` are 100 x probability_same(distance, mirror gaps).
#include <memory>
#include <optional>
#include <string>

namespace biosense {

/// The pair's mirror gaps (Face::mirror_gap of each face, summed): how hard
/// the two faces were to encode. Unknown when either face's is.
inline std::optional<double> pair_mirror_gaps(std::optional<double> a, std::optional<double> b) {
  if (!a || !b) return std::nullopt;
  return *a + *b;
}

class Calibration {
 public:
  virtual ~Calibration() = default;
  /// P(same person | distance, mirror gaps), in [0, 1], non-increasing in
  /// distance. Only a calibration fit with mirror gaps reads them; unknown
  /// gaps count as a pair of typical faces (the fit's mean).
  double probability_same(double distance, std::optional<double> mirror_gaps = std::nullopt) const {
    return probability(distance, mirror_gaps);
  }
  double percent(double distance, std::optional<double> mirror_gaps = std::nullopt) const {
    return 100.0 * probability(distance, mirror_gaps);
  }
  /// Identifies the mapping in outputs and the audit trail.
  virtual std::string name() const = 0;

 private:
  virtual double probability(double distance, std::optional<double> mirror_gaps) const = 0;
};

/// PROVISIONAL: a hand-set logistic curve, 50% at distance 0.6 (dlib's
/// tolerance), steep enough that 0.4 reads ~99% and 0.8 ~1%. Not fitted to
/// data: it stands in until a calibration fitted on labelled pairs replaces
/// it (see docs/accuracy.md). The one place this mapping lives.
std::unique_ptr<Calibration> make_provisional_calibration();

}  // namespace biosense
