/// `biosense db migrate` and `biosense db status`: the schema, through
/// storage/migrations.hpp. Output names the database only in redacted form.
#include <ostream>

#include <fmt/format.h>

#include "biosense/cli/commands.hpp"
#include "biosense/cli/exit_code.hpp"
#include "biosense/storage/db_url.hpp"
#include "biosense/storage/migrations.hpp"

namespace biosense {
namespace {

std::string label(const MigrationState& m) { return fmt::format("{:03}_{}", m.version, m.name); }

}  // namespace

int run_db_migrate(const CommandContext& ctx, const DbMigrateOptions&) {
  const std::string url = resolve_db_url_from_environment(ctx.global.db_url);
  const std::string shown = parse_db_url(url).redacted();  // UsageError before any connection
  const auto applied = migrate_database(url);
  for (const auto& m : applied) ctx.out << fmt::format("applied  {}  {}\n", label(m), m.applied_at.value_or(""));
  if (applied.empty())
    ctx.out << fmt::format("{}: schema is up to date (version {})\n", shown, latest_schema_version());
  else
    ctx.out << fmt::format("{}: schema is now at version {}\n", shown, latest_schema_version());
  ctx.log.info(fmt::format("db migrate: {} migration(s) applied to {}", applied.size(), shown));
  return to_int(ExitCode::Ok);
}

int run_db_status(const CommandContext& ctx, const DbStatusOptions&) {
  const std::string url = resolve_db_url_from_environment(ctx.global.db_url);
  const std::string shown = parse_db_url(url).redacted();
  const auto states = migration_status(url);
  ctx.out << fmt::format("database {}\n", shown);
  std::size_t pending = 0;
  for (const auto& m : states) {
    if (!m.known)
      ctx.out << fmt::format("unknown  {}  {}  (applied by a newer biosense)\n", label(m), m.applied_at.value_or(""));
    else if (m.applied())
      ctx.out << fmt::format("applied  {}  {}\n", label(m), *m.applied_at);
    else {
      ctx.out << fmt::format("pending  {}\n", label(m));
      ++pending;
    }
  }
  if (pending == 0)
    ctx.out << fmt::format("schema is up to date (version {})\n", latest_schema_version());
  else
    ctx.out << fmt::format("{} pending migration(s): run `biosense db migrate`\n", pending);
  return to_int(ExitCode::Ok);
}

}  // namespace biosense
