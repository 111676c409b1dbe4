#include "biosense/pass/workspace.hpp"

#include <fmt/format.h>

#include <fstream>
#include <stdexcept>

#include "biosense/engine/image.hpp"

namespace biosense {

Bytes read_staged(const std::filesystem::path& file, const Bytes& original) {
  auto staged = read_image_file(file, original.size() + 1);
  if (auto* bytes = std::get_if<Bytes>(&staged); bytes != nullptr && *bytes == original) return std::move(*bytes);
  return original;
}
namespace {

const char* area_name(StageArea area) { return area == StageArea::Benchmark ? "BENCHMARK" : "STREAMING"; }

const char* extension_for(const Bytes& bytes) {
  switch (sniff_format(bytes.data(), bytes.size())) {
    case ImageFormat::Jpeg: return "jpg";
    case ImageFormat::Png: return "png";
    case ImageFormat::Gif: return "gif";
    case ImageFormat::Bmp: return "bmp";
    case ImageFormat::Unknown: break;
  }
  return "bin";
}

bool is_under(const std::filesystem::path& root, const std::filesystem::path& p) {
  const auto r = root.lexically_normal(), q = p.lexically_normal();
  auto [root_end, _] = std::mismatch(r.begin(), r.end(), q.begin(), q.end());
  return root_end == r.end();
}

void remove_empty_parents(std::filesystem::path dir, const std::filesystem::path& root) {
  std::error_code ec;
  while (dir != root && is_under(root, dir) && std::filesystem::is_empty(dir, ec) && !ec) {
    std::filesystem::remove(dir, ec);
    dir = dir.parent_path();
  }
}

}  // namespace

std::string safe_folder_name(const std::string& lan_id) {
  std::string out;
  for (char ch : lan_id) {
    const auto c = static_cast<unsigned char>(ch);
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (keep)
      out.push_back(static_cast<char>(c));
    else
      out += fmt::format("_{:02X}", static_cast<unsigned>(c));
  }
  return out.empty() ? "_" : out;
}

Workspace::Workspace(std::filesystem::path root, bool keep_files)
    : root_(std::filesystem::absolute(root).lexically_normal()), keep_files_(keep_files) {}

std::filesystem::path Workspace::folder(const std::string& lan_id, StageArea area) const {
  const auto dir = root_ / safe_folder_name(lan_id) / area_name(area);
  if (!is_under(root_, dir)) throw std::runtime_error("staging path escapes the data folder");
  return dir;
}

std::size_t Workspace::sweep(std::chrono::seconds age) const {
  std::error_code ec;
  if (!std::filesystem::is_directory(root_, ec)) return 0;
  const auto cutoff = std::filesystem::file_time_type::clock::now() - age;
  std::size_t removed = 0;
  std::vector<std::filesystem::path> dirs;
  for (auto it = std::filesystem::recursive_directory_iterator(root_, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec)) {
      dirs.push_back(it->path());
    } else if (it->is_regular_file(ec) && it->last_write_time(ec) < cutoff) {
      if (std::filesystem::remove(it->path(), ec)) ++removed;
    }
  }
  for (auto d = dirs.rbegin(); d != dirs.rend(); ++d) remove_empty_parents(*d, root_);
  return removed;
}

std::filesystem::path StagedFiles::stage(const std::string& lan_id, StageArea area, std::int64_t id,
                                         const Bytes& bytes) {
  const auto dir = workspace_.folder(lan_id, area);
  const auto file = dir / fmt::format("{}.{}", id, extension_for(bytes));
  // Workers sharing the data dir (consumer threads, concurrent passes) remove
  // the folders they empty; when that happens between our create_directories
  // and the write, create them again. A real failure (a read-only disk, a file
  // where a folder should be) fails every try.
  constexpr int kTries = 5;
  for (int attempt = 1;; ++attempt) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (out) break;
    if (attempt == kTries)
      throw std::runtime_error(
          fmt::format("cannot write staged file {}{}", file.string(), ec ? ": " + ec.message() : std::string()));
  }
  files_.push_back(file);
  return file;
}

StagedFiles::~StagedFiles() {
  if (workspace_.keep_files()) return;
  std::error_code ec;
  for (const auto& file : files_) {
    std::filesystem::remove(file, ec);
    remove_empty_parents(file.parent_path(), workspace_.root());
  }
}

}  // namespace biosense
