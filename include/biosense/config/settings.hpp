#pragma once
/// The configuration: ONE table of keys (src/config/keys.cpp) that the TOML
/// file, the BIOSENSE_* environment variables, `config show`, `config keys`,
/// the example file and the README's reference are all made from.
///
/// Precedence: flags > environment > file > defaults. load_settings() merges
/// the file and the environment into validated values; apply_settings() copies
/// them into the option structs *before* CLI11 parses the flags, so a flag
/// given on the command line overwrites them and an absent one leaves them.
/// Loading is pure: the caller reads the file and the environment.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "biosense/cli/errors.hpp"
#include "biosense/cli/invocation.hpp"

namespace biosense::config {

/// A bad configuration file, key or value: exit 1. The message names the key
/// (and the file or environment variable); secrets never appear in it.
class ConfigError : public UsageError {
 public:
  using UsageError::UsageError;
};

enum class ValueKind { String, Integer, Number, Boolean, Choice };

/// A validated value: String and Choice hold std::string, Integer long long,
/// Number double, Boolean bool.
using Value = std::variant<std::string, long long, double, bool>;

/// The option structs a key may fill. Commands added later add theirs here.
struct Targets {
  GlobalOptions& global;
  RunOptions& run;
  ReprocessOptions& reprocess;
  CompareOptions& compare;
  ConsumeOptions& consume;
  WatchCommandOptions& watch;
};

/// One row of the table.
struct KeySpec {
  std::string_view key;                   ///< "section.name", as written in the TOML file
  ValueKind kind;                         ///<
  std::string_view fallback;              ///< the default, as text (parsed like an environment value)
  std::string_view env;                   ///< the overriding environment variable
  std::string_view flag;                  ///< the overriding flag(s), for documentation; empty: none
  std::string_view help;                  ///< one sentence
  double min = 0, max = 0;                ///< Integer/Number: inclusive range (unchecked when min == max)
  std::vector<std::string_view> choices;  ///< Choice: allowed values (lower case)
  bool secret = false;                    ///< a URL that may carry a password: masked when shown
  /// Extra check of a String value: an error message, or empty when fine.
  std::string (*check)(std::string_view) = nullptr;
  /// Copies the value into the structs it configures. nullptr: this build has
  /// no command using the key yet; it is validated and shown, nothing more.
  void (*apply)(const Value&, Targets&) = nullptr;
  /// The value the structs hold now (nullptr with apply). Used to show what a
  /// flag set, and by the test that the table's defaults are the structs'.
  Value (*read)(const Targets&) = nullptr;
};

/// Every key, in the order they are documented.
const std::vector<KeySpec>& key_table();
/// The row for `key`, or nullptr.
const KeySpec* find_key(std::string_view key);

enum class Source { Default, File, Environment, Flag };

struct Setting {
  const KeySpec* spec = nullptr;
  Value value;
  Source source = Source::Default;
  std::string origin;  ///< the file path, the variable or the flag that set it; empty for defaults
};

/// The effective value of every key of the table, in table order.
struct Settings {
  std::vector<Setting> values;
  std::string file;                               ///< the configuration file read; empty when none
  const Setting& at(std::string_view key) const;  ///< throws std::out_of_range for unknown keys
  Setting& at(std::string_view key);
};

/// The environment as name -> value (only BIOSENSE_* names matter).
using Environment = std::map<std::string, std::string>;

/// Every key at its default.
Settings default_settings();

/// Merges `toml_text` (the content of `file`, may be nullopt for "no file")
/// and then `env` over the defaults. Throws ConfigError for TOML syntax
/// errors, unknown keys, wrong types and out-of-range values.
Settings load_settings(const std::optional<std::string>& toml_text, const std::string& file, const Environment& env);

/// Parses `text` as a value of `spec` (environment variables and defaults);
/// throws ConfigError naming `where`.
Value parse_value(const KeySpec& spec, std::string_view text, std::string_view where);

/// The value as text, secrets masked when `masked` (for `config show`).
std::string format_value(const KeySpec& spec, const Value& value, bool masked);

/// Copies every value that is not a default into the structs (defaults are
/// the structs' own, so they are left alone: see the test that they agree).
void apply_settings(const Settings& settings, Targets& targets);

/// Which configuration file to read: `flag` (--config; must exist), else
/// $BIOSENSE_CONFIG (must exist), else the first of `candidates` that exists
/// (./biosense.toml, /etc/biosense/biosense.toml by default); nullopt: none.
std::optional<std::string> choose_config_file(const std::optional<std::string>& flag, const Environment& env,
                                              const std::vector<std::string>& candidates);
inline const std::vector<std::string>& default_config_candidates() {
  static const std::vector<std::string> kCandidates{"./biosense.toml", "/etc/biosense/biosense.toml"};
  return kCandidates;
}

/// The value of --config / --config=FILE in `args`, if present.
std::optional<std::string> config_flag(const std::vector<std::string>& args);

/// The reference table for the README (Markdown).
std::string render_markdown();
/// A commented example file with every key at its default.
std::string render_example_toml();
/// `config show`: the effective configuration as TOML, secrets masked, each
/// value followed by where it came from.
std::string render_show(const Settings& settings);

}  // namespace biosense::config
