#pragma once
/// Distance -> confidence. `accuracy` in the database and the confidence
/// column of `compare` are 100 x probability_same(distance).
#include <memory>
#include <string>

namespace biosense {

class Calibration {
 public:
  virtual ~Calibration() = default;
  /// P(same person | distance), in [0, 1], non-increasing in distance.
  virtual double probability_same(double distance) const = 0;
  /// Identifies the mapping in outputs and the audit trail.
  virtual std::string name() const = 0;
  double percent(double distance) const { return 100.0 * probability_same(distance); }
};

/// PROVISIONAL: a hand-set logistic curve, 50% at distance 0.6 (dlib's
/// tolerance), steep enough that 0.4 reads ~99% and 0.8 ~1%. Not fitted to
/// data: it stands in until a calibration fitted on labelled pairs replaces
/// it (see docs/accuracy.md). The one place this mapping lives.
std::unique_ptr<Calibration> make_provisional_calibration();

}  // namespace biosense
