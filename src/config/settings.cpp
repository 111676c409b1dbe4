/// Loading and validating the configuration: TOML file, then BIOSENSE_*
/// environment variables, over the table's defaults. toml++ (Debian's
/// libtomlplusplus-dev) is used header-only, in this file only.
#include "biosense/config/settings.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>

#define TOML_HEADER_ONLY 1
#define TOML_ENABLE_FORMATTERS 0
#include <toml++/toml.h>

#include "biosense/storage/db_url.hpp"

namespace biosense::config {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// A value as it may appear in an error message: secrets redacted.
std::string shown(const KeySpec& spec, std::string_view text) {
  return spec.secret ? redact_db_url(text) : std::string(text);
}

std::string range_text(const KeySpec& spec) {
  if (spec.min == spec.max) return {};
  return fmt::format(" from {} to {}", spec.min, spec.max);
}

[[noreturn]] void fail(std::string_view where, std::string_view why) {
  throw ConfigError(fmt::format("{}: {}", where, why));
}

/// Range, choices and the key's own check; the value already has its type.
Value validated(const KeySpec& spec, Value value, std::string_view where) {
  switch (spec.kind) {
    case ValueKind::Integer: {
      const long long v = std::get<long long>(value);
      if (spec.min != spec.max && (static_cast<double>(v) < spec.min || static_cast<double>(v) > spec.max))
        fail(where, fmt::format("expected an integer{}, got {}", range_text(spec), v));
      if (spec.check) {
        const std::string why = spec.check(std::to_string(v));
        if (!why.empty()) fail(where, why);
      }
      break;
    }
    case ValueKind::Number: {
      const double v = std::get<double>(value);
      if (!std::isfinite(v) || (spec.min != spec.max && (v < spec.min || v > spec.max)))
        fail(where, fmt::format("expected a number{}, got {}", range_text(spec), v));
      break;
    }
    case ValueKind::Choice: {
      std::string& v = std::get<std::string>(value);
      v = lower(v);
      if (std::find(spec.choices.begin(), spec.choices.end(), v) == spec.choices.end()) {
        std::string list;
        for (auto c : spec.choices) list += fmt::format("{}{}", list.empty() ? "" : ", ", c);
        fail(where, fmt::format("expected one of {}, got '{}'", list, v));
      }
      break;
    }
    case ValueKind::String:
      if (spec.check) {
        const std::string why = spec.check(std::get<std::string>(value));
        if (!why.empty()) fail(where, why);
      }
      break;
    case ValueKind::Boolean: break;
  }
  return value;
}

const char* kind_name(ValueKind kind) {
  switch (kind) {
    case ValueKind::String: return "a string";
    case ValueKind::Integer: return "an integer";
    case ValueKind::Number: return "a number";
    case ValueKind::Boolean: return "true or false";
    case ValueKind::Choice: return "a string";
  }
  return "a value";
}

/// A TOML node as a value of `spec`; TOML types must match (no "64" for 64).
Value from_toml(const KeySpec& spec, const toml::node& node, std::string_view where) {
  Value v;
  switch (spec.kind) {
    case ValueKind::String:
    case ValueKind::Choice:
      if (auto s = node.value_exact<std::string>())
        v = *s;
      else
        fail(where, fmt::format("expected {}", kind_name(spec.kind)));
      break;
    case ValueKind::Integer:
      if (auto i = node.value_exact<std::int64_t>())
        v = static_cast<long long>(*i);
      else
        fail(where, fmt::format("expected an integer{}", range_text(spec)));
      break;
    case ValueKind::Number:
      if (auto d = node.value_exact<double>())
        v = *d;
      else if (auto i = node.value_exact<std::int64_t>())
        v = static_cast<double>(*i);
      else
        fail(where, fmt::format("expected a number{}", range_text(spec)));
      break;
    case ValueKind::Boolean:
      if (auto b = node.value_exact<bool>())
        v = *b;
      else
        fail(where, "expected true or false");
      break;
  }
  return validated(spec, std::move(v), where);
}

Setting& setting_of(Settings& s, const KeySpec& spec) { return s.at(spec.key); }

/// Walks a TOML table; every leaf must be a key of the table.
void read_table(const toml::table& table, const std::string& prefix, const std::string& file, Settings& out) {
  for (const auto& [k, node] : table) {
    const std::string name = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = node.as_table()) {
      read_table(*sub, name, file, out);
      continue;
    }
    const KeySpec* spec = find_key(name);
    const std::string where =
        fmt::format("configuration file {}, line {}: key '{}'", file, node.source().begin.line, name);
    if (spec == nullptr) fail(where, "unknown key (see `biosense config keys`)");
    Setting& s = setting_of(out, *spec);
    s.value = from_toml(*spec, node, where);
    s.source = Source::File;
    s.origin = file;
  }
}

}  // namespace

const Setting& Settings::at(std::string_view key) const {
  for (const auto& s : values)
    if (s.spec->key == key) return s;
  throw std::out_of_range(fmt::format("no configuration key '{}'", key));
}

Setting& Settings::at(std::string_view key) {
  return const_cast<Setting&>(static_cast<const Settings&>(*this).at(key));  // NOLINT: same object
}

Value parse_value(const KeySpec& spec, std::string_view text, std::string_view where) {
  Value v;
  switch (spec.kind) {
    case ValueKind::String:
    case ValueKind::Choice: v = std::string(text); break;
    case ValueKind::Integer: {
      long long i = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
      if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        fail(where, fmt::format("expected an integer{}, got '{}'", range_text(spec), text));
      v = i;
      break;
    }
    case ValueKind::Number: {
      const std::string copy(text);
      char* end = nullptr;
      const double d = std::strtod(copy.c_str(), &end);
      if (copy.empty() || end != copy.c_str() + copy.size())
        fail(where, fmt::format("expected a number{}, got '{}'", range_text(spec), text));
      v = d;
      break;
    }
    case ValueKind::Boolean: {
      const std::string t = lower(text);
      if (t == "true" || t == "1" || t == "yes" || t == "on")
        v = true;
      else if (t == "false" || t == "0" || t == "no" || t == "off")
        v = false;
      else
        fail(where, fmt::format("expected true or false, got '{}'", shown(spec, text)));
      break;
    }
  }
  return validated(spec, std::move(v), where);
}

std::string format_value(const KeySpec& spec, const Value& value, bool masked) {
  return std::visit(
      [&](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>)
          return masked && spec.secret ? redact_db_url(v) : v;
        else if constexpr (std::is_same_v<T, bool>)
          return v ? "true" : "false";
        else
          return fmt::format("{}", v);
      },
      value);
}

Settings default_settings() {
  Settings s;
  for (const auto& spec : key_table())
    s.values.push_back(Setting{
        &spec, parse_value(spec, spec.fallback, fmt::format("default of '{}'", spec.key)), Source::Default, {}});
  return s;
}

Settings load_settings(const std::optional<std::string>& toml_text, const std::string& file, const Environment& env) {
  Settings s = default_settings();
  if (toml_text) {
    s.file = file;
    toml::table table;
    try {
      table = toml::parse(*toml_text, std::string_view(file));
    } catch (const toml::parse_error& e) {
      fail(fmt::format("configuration file {}, line {}, column {}", file, e.source().begin.line,
                       e.source().begin.column),
           fmt::format("not valid TOML: {}", e.description()));
    }
    read_table(table, "", file, s);
  }
  for (const auto& spec : key_table()) {
    const auto it = env.find(std::string(spec.env));
    if (it == env.end() || it->second.empty()) continue;  // empty counts as unset, as for BIOSENSE_DB_URL
    Setting& setting = setting_of(s, spec);
    setting.value = parse_value(spec, it->second, fmt::format("environment variable {} ({})", spec.env, spec.key));
    setting.source = Source::Environment;
    setting.origin = spec.env;
  }
  return s;
}

void apply_settings(const Settings& settings, Targets& targets) {
  for (const auto& s : settings.values)
    if (s.source != Source::Default && s.spec->apply) s.spec->apply(s.value, targets);
}

std::optional<std::string> choose_config_file(const std::optional<std::string>& flag, const Environment& env,
                                              const std::vector<std::string>& candidates) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (flag) {
    if (!fs::is_regular_file(*flag, ec))
      throw ConfigError(fmt::format("configuration file {} (--config) not found", *flag));
    return flag;
  }
  if (auto it = env.find("BIOSENSE_CONFIG"); it != env.end() && !it->second.empty()) {
    if (!fs::is_regular_file(it->second, ec))
      throw ConfigError(fmt::format("configuration file {} ($BIOSENSE_CONFIG) not found", it->second));
    return it->second;
  }
  for (const auto& c : candidates)
    if (fs::is_regular_file(c, ec)) return c;
  return std::nullopt;
}

std::optional<std::string> config_flag(const std::vector<std::string>& args) {
  static const std::string kFlag = "--config";
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--") break;
    if (args[i] == kFlag && i + 1 < args.size()) return args[i + 1];
    if (args[i].rfind(kFlag + "=", 0) == 0) return args[i].substr(kFlag.size() + 1);
  }
  return std::nullopt;
}

}  // namespace biosense::config
