#pragma once
/// Output formats of `compare`.
///  text: the face_recognition CLI's lines `file,name` (`unknown_person`,
///        `no_persons_found`), plus `invalid_image`; --show-distance appends
///        `,distance,confidence` (None where there is none, as the CLI prints).
///  csv:  a header, then `file,name,distance,confidence` on every line
///        (best distance even for unknown_person; empty where there is none).
///  json: one object per photo per line, with every face's box, best match,
///        distance and confidence.
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "biosense/compare/compare.hpp"

namespace biosense {

enum class CompareFormat { Text, Csv, Json };

class CompareWriter {
 public:
  virtual ~CompareWriter() = default;
  virtual void write(const PhotoResult& result) = 0;
};

std::unique_ptr<CompareWriter> make_compare_writer(CompareFormat format, std::ostream& out,
                                                   const std::vector<KnownFace>& known, bool show_distance);

}  // namespace biosense
