/// `biosense import`: inserts photo files as new pending rows, as the capture
/// client would. Every file is checked before anything is inserted, so a typo
/// in the last path leaves the database untouched (exit 1); photos are then
/// read one at a time, so memory stays bounded however many are imported.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>

#include <fmt/format.h>

#include "biosense/cli/commands.hpp"
#include "biosense/cli/errors.hpp"
#include "biosense/cli/exit_code.hpp"
#include "biosense/storage/db_url.hpp"
#include "biosense/storage/repository.hpp"

namespace biosense {
namespace {

void check_readable(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw UsageError(fmt::format("import: no such file: {}", path));
  if (!std::ifstream(path, std::ios::binary)) throw UsageError(fmt::format("import: cannot read {}", path));
}

Bytes read_file(const std::string& path) {
  std::error_code ec;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(fmt::format("import: cannot read {}", path));
  Bytes bytes;
  bytes.reserve(static_cast<std::size_t>(std::filesystem::file_size(path, ec)));
  bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) throw UsageError(fmt::format("import: error reading {}", path));
  return bytes;
}

}  // namespace

int run_import(const CommandContext& ctx, const ImportOptions& options) {
  for (const auto& file : options.files) check_readable(file);

  const std::string url = resolve_db_url_from_environment(ctx.global.db_url);
  const auto repository = open_repository(url);
  const std::string_view table = options.kind == ImageKind::Train ? "train_img" : "stream_img";
  for (const auto& file : options.files) {
    const std::int64_t id =
        repository->insert_image(options.kind, options.lan_id, read_file(file), options.capture_time);
    ctx.out << fmt::format("{} id {}  {}\n", table, id, file);
  }
  ctx.log.info(fmt::format("import: {} photo(s) inserted into {}", options.files.size(), table));
  return to_int(ExitCode::Ok);
}

}  // namespace biosense
