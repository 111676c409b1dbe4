#pragma once
/// Turns a pairs file into scored pairs: every distinct image is encoded once
/// (on the pool's threads), then each pair gets the distance between its two
/// images' faces.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "biosense/calibration/metrics.hpp"
#include "biosense/calibration/pairs.hpp"
#include "biosense/engine/engine_pool.hpp"

namespace biosense {

/// An image that gave no encoding, and why.
struct FailedImage {
  std::string path;    ///< relative to the images folder, as in the pairs file
  std::string reason;  ///< "no face found" or the decoder's reason
};

struct ScoredPairs {
  std::vector<ScoredPair> pairs;  ///< in file order
  std::size_t images = 0;         ///< distinct images encoded
  std::size_t multi_face_images = 0;
  std::vector<FailedImage> failed_images;
};

/// The face a labelled photo is about: the largest face, weighted down by its
/// distance from the image centre (LFW centres the person; CelebA's subject is
/// the large, central face). Null when there is none.
const Face* subject_face(const FaceAnalysis& analysis);

/// Each image contributes its subject_face(). `progress`,
/// when set, is called with (images done, images total) from worker threads
/// under a lock.
ScoredPairs score_pairs(const PairsFile& file, const std::filesystem::path& images_dir, EnginePool& pool,
                        const std::function<void(std::size_t, std::size_t)>& progress = {});

}  // namespace biosense
