/// `biosense report`: reads the report through the storage layer and writes
/// it to stdout or, atomically, to -o FILE.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "biosense/cli/commands.hpp"
#include "biosense/cli/errors.hpp"
#include "biosense/cli/exit_code.hpp"
#include "biosense/report/build.hpp"
#include "biosense/storage/db_url.hpp"

namespace biosense {
namespace {

namespace fs = std::filesystem;

/// Writes `text` to `<file>.tmp-<pid>` beside `file`, then renames it over
/// `file`: a reader (a web server, a mail job) never sees half a report.
/// Throws UsageError when the folder is missing or not writable.
void write_atomically(const fs::path& file, const std::string& text) {
  const fs::path temp = file.string() + fmt::format(".tmp-{}", ::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::error_code ignored;
      fs::remove(temp, ignored);
      throw UsageError(fmt::format("cannot write {}", temp.string()));
    }
  }
  std::error_code ec;
  fs::rename(temp, file, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw UsageError(fmt::format("cannot write {}: {}", file.string(), ec.message()));
  }
}

}  // namespace

int run_report(const CommandContext& ctx, const ReportOptions& o) {
  const std::string url = resolve_db_url_from_environment(ctx.global.db_url);
  const auto store = open_report_store(url);
  const auto alerts = open_watch_store(url);
  report::Report built;
  try {
    built = report::build_report(*store, *alerts, o.request);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  std::ostringstream text;
  report::render(built, o.format, text);
  if (o.output.empty()) {
    ctx.out << text.str() << std::flush;
  } else {
    write_atomically(o.output, text.str());
    ctx.log.info(fmt::format("report [{}, {}) written to {}", built.filter.since, built.filter.until, o.output));
  }
  return to_int(ExitCode::Ok);
}

}  // namespace biosense
