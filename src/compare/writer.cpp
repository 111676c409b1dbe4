#include "biosense/compare/writer.hpp"

#include <ostream>

#include <fmt/format.h>

#include "biosense/util/json.hpp"

namespace biosense {
namespace {

constexpr const char* kUnknown = "unknown_person";
constexpr const char* kNoFaces = "no_persons_found";
constexpr const char* kInvalid = "invalid_image";

std::string distance_text(double d) { return fmt::format("{:.6f}", d); }
std::string confidence_text(double c) { return fmt::format("{:.1f}", c); }

/// Shared walk over a photo's faces: one line per matching known face, one
/// `unknown_person` line for a face that matches nobody (the CLI's rule).
template <typename Line>
void for_each_line(const PhotoResult& r, const std::vector<KnownFace>& known, Line line) {
  if (r.outcome == PhotoOutcome::Invalid) return line(kInvalid, nullptr);
  if (r.outcome == PhotoOutcome::NoFaces) return line(kNoFaces, nullptr);
  for (const auto& face : r.faces) {
    if (face.matches.empty()) line(kUnknown, face.best ? &*face.best : nullptr);
    for (const auto& m : face.matches) line(known[m.known].name.c_str(), &m);
  }
}

class TextWriter final : public CompareWriter {
 public:
  TextWriter(std::ostream& out, const std::vector<KnownFace>& known, bool show_distance)
      : out_(out), known_(known), show_distance_(show_distance) {}

  void write(const PhotoResult& r) override {
    const std::string file = r.file.string();
    for_each_line(r, known_, [&](const char* name, const Candidate* c) {
      out_ << file << ',' << name;
      if (show_distance_) {
        // The CLI prints None for unknown_person; so do we, for compatibility.
        const bool matched = c != nullptr && name != std::string_view(kUnknown);
        out_ << ',' << (matched ? distance_text(c->distance) : "None") << ','
             << (matched ? confidence_text(c->confidence) : "None");
      }
      out_ << '\n';
    });
    out_.flush();
  }

 private:
  std::ostream& out_;
  const std::vector<KnownFace>& known_;
  bool show_distance_;
};

/// RFC 4180 field: quoted when it holds a comma, quote or line break.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + '"';
}

class CsvWriter final : public CompareWriter {
 public:
  CsvWriter(std::ostream& out, const std::vector<KnownFace>& known) : out_(out), known_(known) {
    out_ << "file,name,distance,confidence\n";
  }

  void write(const PhotoResult& r) override {
    const std::string file = csv_field(r.file.string());
    for_each_line(r, known_, [&](const char* name, const Candidate* c) {
      out_ << file << ',' << csv_field(name) << ',' << (c ? distance_text(c->distance) : "") << ','
           << (c ? confidence_text(c->confidence) : "") << '\n';
    });
    out_.flush();
  }

 private:
  std::ostream& out_;
  const std::vector<KnownFace>& known_;
};

class JsonWriter final : public CompareWriter {
 public:
  JsonWriter(std::ostream& out, const std::vector<KnownFace>& known) : out_(out), known_(known) {}

  void write(const PhotoResult& r) override {
    const char* result = r.outcome == PhotoOutcome::Invalid   ? kInvalid
                         : r.outcome == PhotoOutcome::NoFaces ? kNoFaces
                         : any_match(r)                       ? "match"
                                                              : kUnknown;
    out_ << "{\"file\":" << json::quote(r.file.string()) << ",\"result\":\"" << result << '"';
    if (r.outcome == PhotoOutcome::Invalid) out_ << ",\"error\":" << json::quote(r.reason);
    out_ << ",\"faces\":[";
    for (std::size_t i = 0; i < r.faces.size(); ++i) write_face(r.faces[i], i > 0);
    out_ << "]}\n";
    out_.flush();
  }

 private:
  static bool any_match(const PhotoResult& r) {
    for (const auto& f : r.faces)
      if (!f.matches.empty()) return true;
    return false;
  }

  void write_face(const FaceMatch& f, bool comma) {
    if (comma) out_ << ',';
    out_ << fmt::format("{{\"box\":{{\"left\":{},\"top\":{},\"right\":{},\"bottom\":{}}}", f.box.left, f.box.top,
                        f.box.right, f.box.bottom);
    const bool matched = !f.matches.empty();
    out_ << ",\"name\":" << json::quote(matched ? known_[f.best->known].name : kUnknown);
    if (f.best) {
      out_ << ",\"closest\":" << json::quote(known_[f.best->known].name)
           << ",\"distance\":" << json::number(f.best->distance)
           << ",\"confidence\":" << json::number(f.best->confidence, 2);
    }
    out_ << ",\"matches\":[";
    for (std::size_t i = 0; i < f.matches.size(); ++i)
      out_ << (i ? "," : "") << json::quote(known_[f.matches[i].known].name);
    out_ << "]}";
  }

  std::ostream& out_;
  const std::vector<KnownFace>& known_;
};

}  // namespace

std::unique_ptr<CompareWriter> make_compare_writer(CompareFormat format, std::ostream& out,
                                                   const std::vector<KnownFace>& known, bool show_distance) {
  switch (format) {
    case CompareFormat::Csv: return std::make_unique<CsvWriter>(out, known);
    case CompareFormat::Json: return std::make_unique<JsonWriter>(out, known);
    case CompareFormat::Text: break;
  }
  return std::make_unique<TextWriter>(out, known, show_distance);
}

}  // namespace biosense
