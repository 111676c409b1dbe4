#include "biosense/compare/compare.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "biosense/cli/errors.hpp"

namespace biosense {
namespace {

bool has_image_extension(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".gif" || ext == ".bmp";
}

}  // namespace

std::vector<std::filesystem::path> list_images(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
      if (entry.is_regular_file(ec) && has_image_extension(entry.path())) files.push_back(entry.path());
    }
    if (ec) throw UsageError(fmt::format("cannot list {}: {}", path.string(), ec.message()));
    std::sort(files.begin(), files.end());
    return files;
  }
  if (std::filesystem::exists(path, ec)) return {path};
  throw UsageError(fmt::format("{}: no such file or folder", path.string()));
}

std::string known_name(const std::filesystem::path& file) { return file.stem().string(); }

FaceMatch match_face(const Face& face, const std::vector<KnownFace>& known, double tolerance,
                     const Calibration& calibration) {
  FaceMatch match;
  match.box = face.box;
  for (std::size_t i = 0; i < known.size(); ++i) {
    const double d = face_distance(face.encoding, known[i].encoding);
    const Candidate candidate{i, d, calibration.percent(d, pair_mirror_gaps(face.mirror_gap, known[i].mirror_gap))};
    if (d <= tolerance) match.matches.push_back(candidate);
    if (!match.best || d < match.best->distance) match.best = candidate;
  }
  return match;
}

PhotoResult judge_photo(const std::filesystem::path& file, const AnalysisResult& analysis,
                        const std::vector<KnownFace>& known, double tolerance, const Calibration& calibration) {
  PhotoResult result;
  result.file = file;
  if (const auto* invalid = std::get_if<InvalidImage>(&analysis)) {
    result.outcome = PhotoOutcome::Invalid;
    result.reason = invalid->reason;
    return result;
  }
  const auto& faces = std::get<FaceAnalysis>(analysis).faces;
  result.outcome = faces.empty() ? PhotoOutcome::NoFaces : PhotoOutcome::Faces;
  for (const auto& face : faces) result.faces.push_back(match_face(face, known, tolerance, calibration));
  return result;
}

}  // namespace biosense
