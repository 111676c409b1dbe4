#include "biosense/calibration/pairs.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace biosense {
namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::vector<std::string> split_words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) fields.push_back(trim(field));
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

/// A positive decimal integer, or -1.
long positive(const std::string& s) {
  if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return -1;
  const long v = std::stol(s);
  return v > 0 ? v : -1;
}

struct Reader {
  std::istream& in;
  const std::string& source;
  std::size_t line_no = 0;

  /// The next non-empty line (trimmed), false at the end.
  bool next(std::string& line) {
    for (std::string raw; std::getline(in, raw);) {
      ++line_no;
      line = trim(raw);
      if (!line.empty()) return true;
    }
    return false;
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw PairsError(fmt::format("{}:{}: {}", source, line_no, what));
  }
};

bool parse_same(const std::string& raw, bool& same) {
  std::string v = raw;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (v == "1" || v == "true" || v == "yes") return same = true, true;
  if (v == "0" || v == "false" || v == "no") return same = false, true;
  return false;
}

void parse_csv(Reader& r, std::string line, PairsFile& file) {
  bool first = true;
  do {
    const auto fields = split_csv(line);
    if (first && fields.size() == 3 && fields[0] == "image1" && fields[1] == "image2" && fields[2] == "same") {
      first = false;
      continue;
    }
    first = false;
    if (fields.size() != 3) r.fail(fmt::format("expected image1,image2,same; got {} fields", fields.size()));
    if (fields[0].empty() || fields[1].empty()) r.fail("empty image path");
    ImagePair pair{fields[0], fields[1], false, 0, r.line_no};
    if (!parse_same(fields[2], pair.same))
      r.fail(fmt::format("'same' must be 1/0, true/false or yes/no; got '{}'", fields[2]));
    file.pairs.push_back(std::move(pair));
  } while (r.next(line));
}

ImagePair parse_lfw_line(Reader& r, const std::string& line, int fold) {
  const auto w = split_words(line);
  if (w.size() == 3) {
    const long n1 = positive(w[1]), n2 = positive(w[2]);
    if (n1 < 0 || n2 < 0) r.fail("image numbers must be positive integers");
    return {lfw_image_path(w[0], static_cast<int>(n1)), lfw_image_path(w[0], static_cast<int>(n2)), true, fold,
            r.line_no};
  }
  if (w.size() == 4) {
    const long n1 = positive(w[1]), n2 = positive(w[3]);
    if (n1 < 0 || n2 < 0) r.fail("image numbers must be positive integers");
    return {lfw_image_path(w[0], static_cast<int>(n1)), lfw_image_path(w[2], static_cast<int>(n2)), false, fold,
            r.line_no};
  }
  r.fail(fmt::format("expected 'name n1 n2' or 'name1 n1 name2 n2'; got {} fields", w.size()));
}

void parse_lfw(Reader& r, const std::vector<std::string>& header, PairsFile& file) {
  long folds = 1, per_side = 0;
  if (header.size() == 1) {
    per_side = positive(header[0]);
  } else {
    folds = positive(header[0]);
    per_side = positive(header[1]);
  }
  if (folds < 0 || per_side < 0) r.fail("the header must be 'N' (View 1) or 'FOLDS N' (View 2)");
  file.format = header.size() == 1 ? PairsFormat::LfwView1 : PairsFormat::LfwView2;
  file.folds = static_cast<int>(folds);
  std::string line;
  for (long fold = 0; fold < folds; ++fold) {
    for (long i = 0; i < 2 * per_side; ++i) {
      if (!r.next(line))
        r.fail(fmt::format("the file ends early: the header promises {} folds of {} same and {} different pairs", folds,
                           per_side, per_side));
      ImagePair pair = parse_lfw_line(r, line, static_cast<int>(fold));
      const bool expect_same = i < per_side;
      if (pair.same != expect_same)
        r.fail(fmt::format("expected a {} pair here ({} of fold {})",
                           expect_same ? "same-person 'name n1 n2'" : "different-person 'name1 n1 name2 n2'", i + 1,
                           fold + 1));
      file.pairs.push_back(std::move(pair));
    }
  }
  if (r.next(line)) r.fail("unexpected line after the last pair the header announces");
}

}  // namespace

std::string lfw_image_path(const std::string& name, int n) { return fmt::format("{0}/{0}_{1:04d}.jpg", name, n); }

const char* to_string(PairsFormat format) {
  switch (format) {
    case PairsFormat::LfwView1: return "lfw-view1";
    case PairsFormat::LfwView2: return "lfw-view2";
    case PairsFormat::Csv: return "csv";
  }
  return "?";
}

PairsFile parse_pairs(std::istream& in, const std::string& source) {
  Reader r{in, source};
  PairsFile file;
  std::string line;
  if (!r.next(line)) throw PairsError(source + ": no pairs in the file");
  if (line.find(',') != std::string::npos) {
    parse_csv(r, line, file);
  } else {
    const auto header = split_words(line);
    if (header.size() != 1 && header.size() != 2)
      r.fail("not a pairs file: the first line must be 'N', 'FOLDS N' or image1,image2,same");
    parse_lfw(r, header, file);
  }
  if (file.pairs.empty()) throw PairsError(source + ": no pairs in the file");
  return file;
}

PairsFile read_pairs_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw PairsError(path + ": cannot open the pairs file");
  return parse_pairs(in, path);
}

}  // namespace biosense
