#pragma once
/// `biosense compare`: face_recognition's batch mode. Pure decisions here;
/// reading files, threads and printing live in the command (src/cli).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "biosense/calibration/calibration.hpp"
#include "biosense/engine/face.hpp"

namespace biosense {

/// One known person: the first face of `<name>.<ext>`.
struct KnownFace {
  std::string name;
  std::filesystem::path file;
  Encoding encoding{};
  std::optional<double> mirror_gap = std::nullopt;  ///< Face::mirror_gap (with --mirror)
};

/// One known face as seen from a face of an unknown photo.
struct Candidate {
  std::size_t known = 0;    ///< index into the known list
  double distance = 0.0;    ///< Euclidean distance of the encodings
  double confidence = 0.0;  ///< calibrated percent that it is the same person
};

/// How one face of an unknown photo compares with every known face.
struct FaceMatch {
  FaceBox box;
  std::vector<Candidate> matches;  ///< known faces with distance <= tolerance, in list order
  std::optional<Candidate> best;   ///< the closest known face (none when the list is empty)
};

enum class PhotoOutcome { Faces, NoFaces, Invalid };

struct PhotoResult {
  std::filesystem::path file;
  PhotoOutcome outcome = PhotoOutcome::NoFaces;
  std::string reason;  ///< why the photo is invalid
  std::vector<FaceMatch> faces;
};

/// Image files to process: a folder's files with a supported extension
/// (jpg, jpeg, png, gif, bmp; any case), sorted by name; or the path itself
/// when it is a file. Throws UsageError when the path does not exist.
std::vector<std::filesystem::path> list_images(const std::filesystem::path& path);

/// The known person's name for a file: its stem, as face_recognition uses.
std::string known_name(const std::filesystem::path& file);

FaceMatch match_face(const Face& face, const std::vector<KnownFace>& known, double tolerance,
                     const Calibration& calibration);

PhotoResult judge_photo(const std::filesystem::path& file, const AnalysisResult& analysis,
                        const std::vector<KnownFace>& known, double tolerance, const Calibration& calibration);

}  // namespace biosense
