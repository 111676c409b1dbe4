#pragma once
/// The gallery: every enrolled agent's current benchmark encoding, held as one
/// float matrix so that a snapshot's face is compared with all of them in one
/// pass over memory (docs/pass.md, "The gallery check"). Pure values: no
/// database, no dlib. Filled by GalleryCache from Repository::load_gallery().
///
/// Thread-safety: none; const methods may run on several threads at once.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "biosense/engine/face.hpp"
#include "biosense/storage/records.hpp"

namespace biosense {

/// The enrolled agent closest to a face, among those it was asked about.
struct GalleryMatch {
  std::string lan_id;
  std::int64_t train_img_id = 0;
  double distance = 0.0;  ///< face_distance() to that agent's benchmark, exact (double)
};

class Gallery {
 public:
  /// A gallery of encodings made as `encoding_version` says (DecisionPolicy::
  /// encoding_version): distances mean nothing across versions. `entries`
  /// go through put(), so one entry per lan_id remains, the newest.
  explicit Gallery(std::string encoding_version, const std::vector<GalleryEntry>& entries = {});

  const std::string& encoding_version() const { return encoding_version_; }
  std::size_t size() const { return lan_ids_.size(); }

  /// Adds `entry`, or replaces its agent's entry when `entry` is a newer
  /// train_img (a higher id); an older or the same one changes nothing.
  /// Returns whether the gallery changed.
  bool put(const GalleryEntry& entry);

  /// The entry closest to `probe`, leaving out the claimed agent: entries of
  /// `claimed_lan_id` and of train_img `claimed_train_img_id` (its benchmark,
  /// also under another spelling of its lan_id). nullopt when no other is
  /// left. Scores every entry with one matrix-vector product in float
  /// (|p - g|^2 = |p|^2 + |g|^2 - 2 p.g), then measures the winner exactly.
  std::optional<GalleryMatch> closest_other(const Encoding& probe, const std::string& claimed_lan_id,
                                            std::int64_t claimed_train_img_id) const;

 private:
  void write_column(std::size_t column, const Encoding& encoding);
  Encoding column(std::size_t column) const;

  std::string encoding_version_;
  std::vector<std::string> lan_ids_;                        ///< per entry
  std::vector<std::int64_t> train_img_ids_;                 ///< per entry
  std::vector<float> squared_norms_;                        ///< per entry: |g|^2
  std::unordered_map<std::string, std::size_t> by_lan_id_;  ///< lan_id -> entry
  /// kEncodingSize rows of `stride_` floats, dimension-major: entry i's
  /// value d is at d * stride_ + i, so scoring every entry runs down
  /// contiguous rows (vectorised without reordering float sums).
  std::vector<float> matrix_;
  std::size_t stride_ = 0;  ///< capacity in entries; doubles when full
};

}  // namespace biosense
