#pragma once
/// When the gallery (gallery.hpp) is read from the database again. A pass
/// loads it once, at its first stream chunk (Pass::run() calls expire()); a
/// queue consumer decides one row per message, so it keeps the gallery
/// between messages and loads it again only once it is `max_age` old.
///
/// Why 60 s (kGalleryRefresh): loading 10,000 benchmarks takes tens of
/// milliseconds (docs/performance.md, "The gallery check"), several times a
/// snapshot's own engine time, so it cannot be paid per message; and an
/// agent enrolled elsewhere in the last minute is the only one a consumer's
/// gallery can miss. Benchmarks the owner resolves itself (validated inline,
/// encoded again) are put() into the cached gallery at once.
///
/// Thread-safety: none; one cache per pass or consumer thread.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "biosense/pass/gallery.hpp"
#include "biosense/storage/repository.hpp"

namespace biosense {

inline constexpr std::chrono::seconds kGalleryRefresh{60};

class GalleryCache {
 public:
  using Clock = std::chrono::steady_clock;

  explicit GalleryCache(std::chrono::seconds max_age = kGalleryRefresh) : max_age_(max_age) {}

  /// The gallery of `encoding_version`, loaded from `repo` first when there
  /// is none, after expire(), when the one held is older than max_age at
  /// `now`, or when it holds another encoding version. Throws StorageError.
  /// The reference stays valid until the next call.
  Gallery& current(Repository& repo, const std::string& encoding_version, Clock::time_point now = Clock::now());

  /// The next current() loads again (a new pass starts).
  void expire() { expired_ = true; }

  /// How many times current() has read the database.
  std::size_t loads() const { return loads_; }

 private:
  std::chrono::seconds max_age_;
  std::optional<Gallery> gallery_;
  Clock::time_point loaded_at_{};
  bool expired_ = false;
  std::size_t loads_ = 0;
};

}  // namespace biosense
