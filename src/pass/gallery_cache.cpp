/// Loading the gallery again only when it is due (gallery_cache.hpp).
#include "biosense/pass/gallery_cache.hpp"

namespace biosense {

Gallery& GalleryCache::current(Repository& repo, const std::string& encoding_version, Clock::time_point now) {
  const bool due =
      !gallery_ || expired_ || gallery_->encoding_version() != encoding_version || now - loaded_at_ >= max_age_;
  if (due) {
    gallery_.emplace(encoding_version, repo.load_gallery(encoding_version));
    loaded_at_ = now;
    expired_ = false;
    ++loads_;
  }
  return *gallery_;
}

}  // namespace biosense
