#pragma once
/// The user's folder layout for one pass: Data/<agent>/BENCHMARK/<id>.<ext>
/// and Data/<agent>/STREAMING/<id>.<ext>. Files are written before matching
/// and removed afterwards by RAII, whatever happens in between.
///
/// lan_id is untrusted (`NA\nvep5898`, `../../x`, `/abs`): folder names come
/// from safe_folder_name(), and every path is checked to stay under the root.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "biosense/engine/values.hpp"

namespace biosense {

/// A reversible, collision-free folder name: ASCII letters, digits and '-'
/// are kept; every other byte becomes "_HH" (hex). "NA\nvep5898" ->
/// "NA_5Cnvep5898"; "../x" -> "_2E_2E_2Fx". Never empty ("_" for "").
std::string safe_folder_name(const std::string& lan_id);

enum class StageArea { Benchmark, Streaming };

/// The bytes the engine analyses for a staged photo: the staged file, as the
/// user's folder design has it, or `original` (the bytes read from the
/// database and staged) when the file is gone or no longer holds exactly
/// them. Workers deciding one agent at once stage the same
/// BENCHMARK/<id> file: one may rewrite or remove it between another's write
/// and read, and a half-written or missing benchmark must not become
/// TRAINING_IMAGE_FAILED.
Bytes read_staged(const std::filesystem::path& file, const Bytes& original);

class Workspace;

/// Files staged for one chunk; deletes them (and emptied folders) when
/// destroyed unless the workspace keeps files.
class StagedFiles {
 public:
  explicit StagedFiles(const Workspace& workspace) : workspace_(workspace) {}
  ~StagedFiles();
  StagedFiles(const StagedFiles&) = delete;
  StagedFiles& operator=(const StagedFiles&) = delete;
  /// Writes `bytes` as <root>/<agent>/<area>/<id>.<ext>; returns the path.
  /// Throws std::runtime_error if the file cannot be written.
  std::filesystem::path stage(const std::string& lan_id, StageArea area, std::int64_t id, const Bytes& bytes);

 private:
  const Workspace& workspace_;
  std::vector<std::filesystem::path> files_;
};

class Workspace {
 public:
  Workspace(std::filesystem::path root, bool keep_files);
  const std::filesystem::path& root() const { return root_; }
  bool keep_files() const { return keep_files_; }
  /// The folder for an agent's area, guaranteed to lie under root().
  std::filesystem::path folder(const std::string& lan_id, StageArea area) const;
  /// Removes staged files older than `age` (left by a killed pass) and empty
  /// folders; returns how many files it removed. Younger files may belong to
  /// a pass running right now and are left alone.
  std::size_t sweep(std::chrono::seconds age) const;

 private:
  std::filesystem::path root_;
  bool keep_files_;
};

}  // namespace biosense
