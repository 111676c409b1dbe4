/// `biosense config show` and `biosense config keys`.
#include <ostream>

#include "biosense/cli/commands.hpp"
#include "biosense/cli/exit_code.hpp"
#include "biosense/config/settings.hpp"

namespace biosense {

int run_config_show(const CommandContext& ctx, const ConfigShowOptions& options) {
  ctx.out << config::render_show(options.settings ? *options.settings : config::default_settings());
  return to_int(ExitCode::Ok);
}

int run_config_keys(const CommandContext& ctx, const ConfigKeysOptions& options) {
  ctx.out << (options.format == ConfigKeysFormat::Toml ? config::render_example_toml() : config::render_markdown());
  return to_int(ExitCode::Ok);
}

}  // namespace biosense
