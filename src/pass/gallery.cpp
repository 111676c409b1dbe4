/// The gallery's matrix and its nearest-other search (gallery.hpp).
#include "biosense/pass/gallery.hpp"

#include <algorithm>
#include <limits>

namespace biosense {
namespace {

float squared_norm(const Encoding& e) {
  float sum = 0.0f;
  for (float v : e) sum += v * v;
  return sum;
}

}  // namespace

Gallery::Gallery(std::string encoding_version, const std::vector<GalleryEntry>& entries)
    : encoding_version_(std::move(encoding_version)) {
  stride_ = std::max<std::size_t>(16, entries.size());
  matrix_.assign(kEncodingSize * stride_, 0.0f);
  for (const auto& entry : entries) put(entry);
}

void Gallery::write_column(std::size_t i, const Encoding& encoding) {
  for (std::size_t d = 0; d < kEncodingSize; ++d) matrix_[d * stride_ + i] = encoding[d];
  squared_norms_[i] = squared_norm(encoding);
}

Encoding Gallery::column(std::size_t i) const {
  Encoding e{};
  for (std::size_t d = 0; d < kEncodingSize; ++d) e[d] = matrix_[d * stride_ + i];
  return e;
}

bool Gallery::put(const GalleryEntry& entry) {
  if (const auto it = by_lan_id_.find(entry.lan_id); it != by_lan_id_.end()) {
    const std::size_t i = it->second;
    if (entry.train_img_id <= train_img_ids_[i]) return false;
    train_img_ids_[i] = entry.train_img_id;
    write_column(i, entry.encoding);
    return true;
  }
  const std::size_t i = lan_ids_.size();
  if (i == stride_) {  // full: lay the rows out again, twice as wide
    const std::size_t wider = 2 * stride_;
    std::vector<float> grown(kEncodingSize * wider, 0.0f);
    for (std::size_t d = 0; d < kEncodingSize; ++d)
      std::copy_n(matrix_.begin() + static_cast<std::ptrdiff_t>(d * stride_), i,
                  grown.begin() + static_cast<std::ptrdiff_t>(d * wider));
    matrix_ = std::move(grown);
    stride_ = wider;
  }
  lan_ids_.push_back(entry.lan_id);
  train_img_ids_.push_back(entry.train_img_id);
  squared_norms_.push_back(0.0f);
  by_lan_id_.emplace(entry.lan_id, i);
  write_column(i, entry.encoding);
  return true;
}

std::optional<GalleryMatch> Gallery::closest_other(const Encoding& probe, const std::string& claimed_lan_id,
                                                   std::int64_t claimed_train_img_id) const {
  const std::size_t n = size();
  // dot[i] = probe . entry i: one multiply-add per matrix element, row by row.
  std::vector<float> dot(n, 0.0f);
  for (std::size_t d = 0; d < kEncodingSize; ++d) {
    const float p = probe[d];
    const float* row = matrix_.data() + d * stride_;
    for (std::size_t i = 0; i < n; ++i) dot[i] += p * row[i];
  }
  const float probe_norm = squared_norm(probe);
  std::size_t best = n;
  float best_score = std::numeric_limits<float>::infinity();
  for (std::size_t i = 0; i < n; ++i) {
    const float score = probe_norm + squared_norms_[i] - 2.0f * dot[i];
    if (score < best_score && train_img_ids_[i] != claimed_train_img_id && lan_ids_[i] != claimed_lan_id)
      best = i, best_score = score;
  }
  if (best == n) return std::nullopt;
  return GalleryMatch{lan_ids_[best], train_img_ids_[best], face_distance(probe, column(best))};
}

}  // namespace biosense
