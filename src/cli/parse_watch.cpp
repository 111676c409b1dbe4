#include "parse_watch.hpp"

#include <cctype>

namespace biosense::cli {

std::optional<long long> parse_duration_seconds(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])) != 0) ++digits;
  if (digits == 0 || digits > 9) return std::nullopt;
  const std::string unit = text.substr(digits);
  long long scale = 0;
  if (unit.empty() || unit == "s")
    scale = 1;
  else if (unit == "m")
    scale = 60;
  else if (unit == "h")
    scale = 3600;
  else
    return std::nullopt;
  const long long value = std::stoll(text.substr(0, digits)) * scale;
  if (value <= 0) return std::nullopt;
  return value;
}

namespace {

/// "YYYY-MM-DD HH:MM:SS" with plausible fields.
std::string check_time(const std::string& v) {
  static const std::string kShape = "dddd-dd-dd dd:dd:dd";
  bool ok = v.size() == kShape.size();
  for (std::size_t i = 0; ok && i < v.size(); ++i)
    ok = kShape[i] == 'd' ? std::isdigit(static_cast<unsigned char>(v[i])) != 0 : v[i] == kShape[i];
  if (ok) {
    const int month = std::stoi(v.substr(5, 2)), day = std::stoi(v.substr(8, 2)), hour = std::stoi(v.substr(11, 2));
    const int minute = std::stoi(v.substr(14, 2)), second = std::stoi(v.substr(17, 2));
    ok = month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 59;
  }
  return ok ? std::string() : "expected \"YYYY-MM-DD HH:MM:SS\", got \"" + v + "\"";
}

}  // namespace

CLI::App* add_watch(CLI::App& app, WatchCommandOptions& o, WatchFlags& f) {
  auto* cmd = app.add_subcommand("watch", "Raise impersonation and motion alerts from decided snapshots");
  cmd->add_option("--window", f.window, "Inspect the snapshots captured in the last WINDOW (90s, 10m, 1h)")
      ->default_str(std::to_string(o.watch.window.count()) + "s");
  cmd->add_option("--frames", o.watch.frames, "N: compare the last N verified faces; N unchanged frames is frozen")
      ->check(CLI::Range(2, 100))
      ->capture_default_str();
  auto* once = cmd->add_flag("--once", "One run, then exit (the default)");
  auto* loop = cmd->add_flag("--loop", o.loop, "A run every --interval seconds until SIGTERM/SIGINT");
  once->excludes(loop);
  cmd->add_option("--interval", o.interval, "Seconds between the starts of runs with --loop")
      ->check(CLI::Range(1.0, 86400.0))
      ->capture_default_str();
  cmd->add_flag("--dry-run", o.dry_run, "Print the alerts it would raise; write nothing");
  cmd->add_option("--at", o.at, "End of the window, \"YYYY-MM-DD HH:MM:SS\" (default: the database clock now)")
      ->check(check_time);
  auto& t = o.watch.thresholds;
  cmd->add_option("--shape-threshold", t.shape_residual, "IMPERSONATION at or below this landmark residual (IOD)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--frozen-threshold", t.frozen_change, "FROZEN_FEED at or below this whole-frame change")
      ->check(CLI::Range(0.0, 2.0))
      ->capture_default_str();
  cmd->add_option("--absent-share", t.absent_share, "ABSENT above this share of NO_FACES_FOUND")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--substituted-share", t.substituted_share, "SUBSTITUTED above this share of UNKNOWN_*")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  return cmd;
}

void finish_watch(WatchCommandOptions& o, const WatchFlags& f) {
  if (f.window.empty()) return;  // not given: the default or the configuration file's watch.window
  const auto seconds = parse_duration_seconds(f.window);
  if (!seconds)
    throw CLI::ValidationError("--window", "expected a duration like 90s, 10m or 1h, got '" + f.window + "'");
  o.watch.window = std::chrono::seconds(*seconds);
}

}  // namespace biosense::cli
