/// The string forms of records.hpp's enums: they are the database values.
#include "biosense/storage/records.hpp"

namespace biosense {

std::string_view image_kind_name(ImageKind kind) { return kind == ImageKind::Stream ? "stream" : "train"; }

std::string_view result_code_name(ResultCode code) {
  switch (code) {
    case ResultCode::Success: return "SUCCESS";
    case ResultCode::SuccessMultipleFaces: return "SUCCESS_MULTIPLE_FACES";
    case ResultCode::UnknownPerson: return "UNKNOWN_PERSON";
    case ResultCode::UnknownMultipleFaces: return "UNKNOWN_MULTIPLE_FACES";
    case ResultCode::NoFacesFound: return "NO_FACES_FOUND";
    case ResultCode::NoTrainingImage: return "NO_TRAINING_IMAGE";
    case ResultCode::TrainingImageFailed: return "TRAINING_IMAGE_FAILED";
    case ResultCode::InvalidImage: return "INVALID_IMAGE";
    case ResultCode::MultipleFaces: return "MULTIPLE_FACES";
    case ResultCode::LowQuality: return "LOW_QUALITY";
  }
  return "INVALID_IMAGE";  // unreachable: every enumerator is handled above
}

std::optional<ResultCode> parse_result_code(std::string_view name) {
  for (ResultCode code : kAllResultCodes)
    if (result_code_name(code) == name) return code;
  return std::nullopt;
}

Status status_for(ImageKind kind, ResultCode code) {
  if (kind == ImageKind::Train) return code == ResultCode::Success ? Status::Done : Status::Failed;
  switch (code) {
    case ResultCode::Success:
    case ResultCode::SuccessMultipleFaces:
    case ResultCode::UnknownPerson:
    case ResultCode::UnknownMultipleFaces:
    case ResultCode::NoFacesFound: return Status::Done;
    default: return Status::Failed;
  }
}

}  // namespace biosense
