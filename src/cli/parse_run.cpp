#include "parse_run.hpp"

#include "parse_evaluate.hpp"

#include <map>
#include <sstream>

namespace biosense::cli {
namespace {

void add_pass_options(CLI::App* cmd, RunOptions& o) {
  static const std::map<std::string, RunMode> kModes{
      {"stream", RunMode::Stream}, {"train", RunMode::Train}, {"all", RunMode::All}};
  cmd->add_option("--mode", o.mode, "stream (snapshots), train (enrolment photos) or all")
      ->transform(CLI::CheckedTransformer(kModes, CLI::ignore_case));
  cmd->add_option("--batch-size", o.batch_size, "Rows claimed and committed together")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  cmd->add_option("--limit", o.limit, "At most this many rows per pass (0: all pending at the start)")
      ->capture_default_str();
  cmd->add_option("--threads", o.threads, "Engine threads; -1 uses every core")->capture_default_str();
  cmd->add_flag("--dry-run", o.dry_run, "Decide and print each decision; write nothing");
  add_decider_options(cmd, o.decider);
}

}  // namespace

std::vector<std::int64_t> parse_id_list(const std::string& text, const std::string& option) {
  std::vector<std::int64_t> ids;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    std::size_t used = 0;
    long long id = 0;
    try {
      id = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || id <= 0) throw CLI::ValidationError(option, "not a positive id: '" + item + "'");
    ids.push_back(id);
  }
  return ids;
}

void add_decider_options(CLI::App* cmd, DecisionOptions& d) {
  cmd->add_option("--data-dir", d.data_dir, "Where Data/<agent>/{BENCHMARK,STREAMING} files are staged")
      ->capture_default_str();
  cmd->add_flag("--keep-files", d.keep_files, "Leave the staged files in place");
  cmd->add_option_function<double>(
         "--tolerance",
         [&d](const double& v) {
           d.tolerance = v > 0.0 ? std::optional<double>(v) : std::nullopt;  // 0: the calibration's, as pass.tolerance
         },
         "Largest distance that counts as a match (default, or 0: the calibration's threshold, set for a false-match "
         "rate)")
      ->check(CLI::Range(0.0, 2.0));
  cmd->add_option("--lease", d.lease_seconds, "Seconds after which another worker's claim is taken back")
      ->check(CLI::Range(10L, 86400L))
      ->capture_default_str();
  add_detection_options(cmd, d.detection);
  cmd->add_flag("--enrolment-cnn,!--no-enrolment-cnn", d.enrolment_cnn,
                "An enrolment photo where no face is found gets one look by the CNN detector (default: off)");
  cmd->add_flag("--gallery-check,!--no-gallery-check", d.gallery_check,
                "Compare each snapshot with every enrolled agent too; another agent closer than the claimed one "
                "makes it UNKNOWN_PERSON (default: on)");
}

CLI::App* add_run(CLI::App& app, RunOptions& o) {
  auto* cmd = app.add_subcommand("run", "Validate enrolment photos and verify pending snapshots");
  add_pass_options(cmd, o);
  auto* once = cmd->add_flag("--once", "One pass, then exit (the default)");
  auto* loop = cmd->add_flag("--loop", o.loop, "Pass after pass until SIGTERM/SIGINT");
  once->excludes(loop);
  cmd->add_option("--interval", o.interval, "Seconds between the starts of passes with --loop")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  return cmd;
}

CLI::App* add_reprocess(CLI::App& app, ReprocessOptions& o, ReprocessFlags& f) {
  auto* cmd = app.add_subcommand("reprocess", "Set decided snapshots back to pending and decide them again");
  add_pass_options(cmd, o.run);
  o.run.mode = RunMode::Stream;
  auto* ids = cmd->add_option("--ids", f.ids, "Comma-separated stream_img ids");
  auto* lan = cmd->add_option("--lan-id", f.lan_id, "Every decided snapshot of one agent");
  auto* result = cmd->add_option("--result", f.result, "Every snapshot with this result, e.g. NO_TRAINING_IMAGE");
  auto* since = cmd->add_option("--since", f.since, "Snapshots captured at or after \"YYYY-MM-DD[ HH:MM:SS]\"");
  (void)ids;
  (void)lan;
  (void)result;
  (void)since;
  return cmd;
}

void finish_reprocess(ReprocessOptions& o, const ReprocessFlags& f) {
  if (f.ids.empty() && f.lan_id.empty() && f.result.empty() && f.since.empty())
    throw CLI::ValidationError("reprocess", "name the rows: --ids, --lan-id, --result and/or --since");
  o.filter.ids = parse_id_list(f.ids, "--ids");
  if (!f.lan_id.empty()) o.filter.lan_id = f.lan_id;
  if (!f.since.empty()) o.filter.since = f.since;
  if (!f.result.empty()) {
    o.filter.result = parse_result_code(f.result);
    if (!o.filter.result) throw CLI::ValidationError("--result", "unknown result code '" + f.result + "'");
  }
}

}  // namespace biosense::cli
