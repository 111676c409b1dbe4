#pragma once
/// The vocabulary of DESIGN.md as types: statuses, result codes, rows and
/// decisions. Shared by storage (which maps them to SQL) and the pipeline
/// (which decides them). No SQL and no dlib here.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "biosense/engine/face.hpp"

namespace biosense {

enum class ImageKind { Stream, Train };            ///< stream_img / train_img
std::string_view image_kind_name(ImageKind kind);  ///< "stream" / "train"

/// Row status (status_code table).
enum class Status : char {
  Pending = 'N',  ///< not processed
  Claimed = 'P',  ///< claimed by a worker (claimed_by, claimed_at)
  Done = 'Y',     ///< processed, verdict recorded
  Failed = 'F',   ///< could not be processed
};

/// Result codes (result_code table). The string forms are the database values.
enum class ResultCode {
  Success,               ///< SUCCESS
  SuccessMultipleFaces,  ///< SUCCESS_MULTIPLE_FACES
  UnknownPerson,         ///< UNKNOWN_PERSON
  UnknownMultipleFaces,  ///< UNKNOWN_MULTIPLE_FACES
  NoFacesFound,          ///< NO_FACES_FOUND
  NoTrainingImage,       ///< NO_TRAINING_IMAGE
  TrainingImageFailed,   ///< TRAINING_IMAGE_FAILED
  InvalidImage,          ///< INVALID_IMAGE
  MultipleFaces,         ///< MULTIPLE_FACES (train validation)
  LowQuality,            ///< LOW_QUALITY (train validation)
};
inline constexpr ResultCode kAllResultCodes[] = {ResultCode::Success,
                                                 ResultCode::SuccessMultipleFaces,
                                                 ResultCode::UnknownPerson,
                                                 ResultCode::UnknownMultipleFaces,
                                                 ResultCode::NoFacesFound,
                                                 ResultCode::NoTrainingImage,
                                                 ResultCode::TrainingImageFailed,
                                                 ResultCode::InvalidImage,
                                                 ResultCode::MultipleFaces,
                                                 ResultCode::LowQuality};

std::string_view result_code_name(ResultCode code);
std::optional<ResultCode> parse_result_code(std::string_view name);
/// The status a row of `kind` gets with `code`: stream verdicts (SUCCESS..
/// NO_FACES_FOUND) are Y; for train rows only SUCCESS is Y; the rest are F.
Status status_for(ImageKind kind, ResultCode code);

/// A row with its photo, as claimed (or peeked) from stream_img / train_img.
struct ImageRow {
  ImageKind kind = ImageKind::Stream;
  std::int64_t id = 0;
  std::string lan_id;
  std::string capture_time;    ///< "YYYY-MM-DD HH:MM:SS", as stored
  std::optional<Bytes> image;  ///< nullopt for a NULL BLOB
  int attempts = 0;            ///< claims so far, this one included
};

/// A train_img row without its photo.
struct TrainImageInfo {
  std::int64_t id = 0;
  std::string lan_id;
  Status status = Status::Pending;
  std::optional<std::string> result;
};

/// An approved benchmark's encoding (face_encoding), computed once.
struct StoredEncoding {
  std::int64_t train_img_id = 0;
  std::string model_version;
  Encoding encoding{};
  FaceBox box;
  double quality = 0.0;                             ///< sharpness score used by validation
  std::optional<double> mirror_gap = std::nullopt;  ///< Face::mirror_gap; unset when not measured (005_mirror_gap)
};

/// One enrolled agent's current benchmark in the gallery every snapshot is
/// also compared with (Repository::load_gallery, docs/pass.md "The gallery check").
struct GalleryEntry {
  std::string lan_id;
  std::int64_t train_img_id = 0;
  Encoding encoding{};
};

/// One decided row: the UPDATE of its table and its process_status row.
struct Decision {
  ImageKind kind = ImageKind::Stream;
  std::int64_t id = 0;
  std::string lan_id;
  ResultCode result = ResultCode::InvalidImage;
  int num_faces = 0;
  std::optional<double> distance;            ///< stream: raw distance of the best face
  std::optional<double> accuracy;            ///< stream: calibrated percent for the best face
  std::optional<std::int64_t> benchmark_id;  ///< stream: train_img id compared against
  /// stream: the enrolled agent other than the claimed one whose benchmark
  /// lies closest to the best face, and that distance (the gallery check;
  /// unset when the check is off or the gallery holds no other agent).
  std::optional<std::string> closest_lan_id;
  std::optional<double> closest_distance;
  std::optional<StoredEncoding> encoding;  ///< train, SUCCESS: saved to face_encoding
  std::string detail;                      ///< human-readable reason, for process_status
  std::string model_version;
  std::chrono::system_clock::time_point started_at{};
  std::chrono::system_clock::time_point finished_at{};
  Status status() const { return status_for(kind, result); }
};

/// Which decided stream rows `reprocess` sets back to N; empty fields do not filter.
struct ReprocessFilter {
  std::vector<std::int64_t> ids;
  std::optional<std::string> lan_id;
  std::optional<ResultCode> result;
  std::optional<std::string> since;  ///< capture_time >= since ("YYYY-MM-DD[ HH:MM:SS]")
};

}  // namespace biosense
