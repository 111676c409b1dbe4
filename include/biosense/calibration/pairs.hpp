#pragma once
/// Labelled image pairs for `evaluate` and `calibrate`.
///
/// Three layouts are read, told apart by the first non-empty line:
///  - LFW View 1 (`pairsDevTrain.txt`, `pairsDevTest.txt`): a header `N`, then
///    N lines `name n1 n2` (same person) and N lines `name1 n1 name2 n2`.
///  - LFW View 2 (`pairs.txt`): a header `F N`, then F folds of N same and N
///    different lines each.
///  - CSV: `image1,image2,same` with paths relative to the images folder;
///    `same` is 1/0, true/false or yes/no; a first line `image1,image2,same`
///    is a header and skipped.
/// LFW names map to `<name>/<name>_<nnnn>.jpg`.
#include <cstddef>
#include <istream>
#include <stdexcept>
#include <string>
#include <vector>

namespace biosense {

struct ImagePair {
  std::string image1;  ///< path relative to the images folder
  std::string image2;
  bool same = false;
  int fold = 0;          ///< 0-based; always 0 outside View 2 files
  std::size_t line = 0;  ///< 1-based line in the pairs file
};

enum class PairsFormat { LfwView1, LfwView2, Csv };

struct PairsFile {
  PairsFormat format = PairsFormat::Csv;
  int folds = 1;
  std::vector<ImagePair> pairs;
};

/// A malformed pairs file: the message names the line.
class PairsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Parses a whole pairs file; `source` names it in error messages.
PairsFile parse_pairs(std::istream& in, const std::string& source);

/// Opens and parses `path`; a missing file is a PairsError too.
PairsFile read_pairs_file(const std::string& path);

/// LFW's image path for person `name`, image number `n` (1-based).
std::string lfw_image_path(const std::string& name, int n);

const char* to_string(PairsFormat format);

}  // namespace biosense
