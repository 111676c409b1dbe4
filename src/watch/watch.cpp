/// The watch: per agent and window, scores and alerts (watch.hpp).
#include "biosense/watch/watch.hpp"

#include <algorithm>
#include <ctime>
#include <map>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "biosense/engine/checksum.hpp"
#include "biosense/engine/face_shape.hpp"
#include "biosense/util/json.hpp"

namespace biosense {
namespace {

bool is_unknown(const std::optional<ResultCode>& r) {
  return r == ResultCode::UnknownPerson || r == ResultCode::UnknownMultipleFaces;
}

AlertRecord make_alert(const std::string& lan_id, AlertKind kind, const std::string& start, const std::string& end,
                       std::vector<std::int64_t> evidence, std::string scores, std::string detail) {
  std::sort(evidence.begin(), evidence.end());
  evidence.erase(std::unique(evidence.begin(), evidence.end()), evidence.end());
  AlertRecord a;
  a.lan_id = lan_id;
  a.kind = kind;
  a.window_start = start;
  a.window_end = end;
  a.evidence_ids = std::move(evidence);
  a.scores = std::move(scores);
  a.detail = std::move(detail);
  return a;
}

std::string shape_json(const ShapeScores& s) {
  return fmt::format(
      "{{\"frames\":{},\"shape_residual\":{},\"box_spread\":{},\"roll_spread_deg\":{},\"yaw_spread\":{},"
      "\"pitch_spread\":{},\"encoding_spread\":{}}}",
      s.frames, json::number(s.shape_residual, 5), json::number(s.box_spread, 5), json::number(s.roll_spread_deg, 4),
      json::number(s.yaw_spread, 5), json::number(s.pitch_spread, 5), json::number(s.encoding_spread, 5));
}

/// One snapshot reduced to what the whole-frame checks compare.
struct FrameDigest {
  std::int64_t id = 0;
  std::string sha256;
  std::vector<float> thumbnail;
};

/// The shares of NO_FACES_FOUND and UNKNOWN_* among the decided verdicts (Y rows).
void check_shares(const std::string& lan_id, const std::vector<SnapshotInfo>& snapshots, const WatchOptions& o,
                  const std::string& start, const std::string& end, AgentFindings& out) {
  std::vector<std::int64_t> no_face, unknown;
  std::size_t verdicts = 0;
  for (const auto& s : snapshots) {
    if (s.status != Status::Done) continue;
    ++verdicts;
    if (s.result == ResultCode::NoFacesFound) no_face.push_back(s.id);
    if (is_unknown(s.result)) unknown.push_back(s.id);
  }
  if (verdicts < o.frames) {
    const std::string reason = fmt::format("{} decided snapshot(s) in the window, need {}", verdicts, o.frames);
    out.skipped.push_back({lan_id, AlertKind::Absent, reason});
    out.skipped.push_back({lan_id, AlertKind::Substituted, reason});
    return;
  }
  const double n = static_cast<double>(verdicts);
  const double absent = static_cast<double>(no_face.size()) / n;
  const double substituted = static_cast<double>(unknown.size()) / n;
  if (absent > o.thresholds.absent_share)
    out.alerts.push_back(make_alert(lan_id, AlertKind::Absent, start, end, no_face,
                                    fmt::format("{{\"share\":{},\"snapshots\":{},\"no_face\":{}}}",
                                                json::number(absent, 4), verdicts, no_face.size()),
                                    fmt::format("{} of {} snapshots show no face (threshold {:.0f}%)", no_face.size(),
                                                verdicts, 100.0 * o.thresholds.absent_share)));
  if (substituted > o.thresholds.substituted_share)
    out.alerts.push_back(make_alert(lan_id, AlertKind::Substituted, start, end, unknown,
                                    fmt::format("{{\"share\":{},\"snapshots\":{},\"unknown\":{}}}",
                                                json::number(substituted, 4), verdicts, unknown.size()),
                                    fmt::format("{} of {} snapshots show someone else (threshold {:.0f}%)",
                                                unknown.size(), verdicts, 100.0 * o.thresholds.substituted_share)));
}

void check_replay(const std::string& lan_id, const std::vector<FrameDigest>& frames, const std::string& start,
                  const std::string& end, AgentFindings& out) {
  std::map<std::string, std::vector<std::int64_t>> by_hash;
  for (const auto& f : frames) by_hash[f.sha256].push_back(f.id);
  std::vector<std::int64_t> evidence;
  std::size_t repeats = 0;
  for (const auto& [hash, ids] : by_hash) {
    if (ids.size() < 2) continue;
    evidence.insert(evidence.end(), ids.begin(), ids.end());
    repeats += ids.size() - 1;
  }
  if (evidence.empty()) return;
  out.alerts.push_back(make_alert(lan_id, AlertKind::ReplayedImage, start, end, evidence,
                                  fmt::format("{{\"repeated_snapshots\":{}}}", repeats),
                                  fmt::format("{} snapshot(s) repeat the exact bytes of an earlier one", repeats)));
}

void check_frozen(const std::string& lan_id, const std::vector<FrameDigest>& frames, const WatchOptions& o,
                  const std::string& start, const std::string& end, AgentFindings& out) {
  if (frames.size() < o.frames) {
    out.skipped.push_back({lan_id, AlertKind::FrozenFeed,
                           fmt::format("{} decodable snapshot(s) in the window, need {}", frames.size(), o.frames)});
    return;
  }
  // The longest run of consecutive frames each within frozen_change of the previous.
  std::size_t best_first = 0, best_len = 1, first = 0;
  double run_max = 0.0, best_max = 0.0;
  for (std::size_t i = 1; i < frames.size(); ++i) {
    const double change = frame_change(frames[i - 1].thumbnail, frames[i].thumbnail);
    if (change <= o.thresholds.frozen_change) {
      run_max = std::max(run_max, change);
      if (i - first + 1 > best_len) {
        best_len = i - first + 1;
        best_first = first;
        best_max = run_max;
      }
    } else {
      first = i;
      run_max = 0.0;
    }
  }
  out.longest_unchanged_run = best_len;
  out.max_frame_change = best_max;
  if (best_len < o.frames) return;
  std::vector<std::int64_t> evidence;
  for (std::size_t i = best_first; i < best_first + best_len; ++i) evidence.push_back(frames[i].id);
  out.alerts.push_back(
      make_alert(lan_id, AlertKind::FrozenFeed, start, end, evidence,
                 fmt::format("{{\"unchanged_frames\":{},\"max_change\":{}}}", best_len, json::number(best_max, 5)),
                 fmt::format("{} consecutive frames do not change (largest change {:.4f}, threshold {})", best_len,
                             best_max, o.thresholds.frozen_change)));
}

}  // namespace

AgentFindings check_agent(const std::string& lan_id, const std::vector<SnapshotInfo>& snapshots,
                          const ImageLoader& load, FaceShapeEngine& engine, const WatchOptions& o,
                          const std::string& start, const std::string& end) {
  AgentFindings out;
  check_shares(lan_id, snapshots, o, start, end, out);

  // The last N SUCCESS snapshots get the full face analysis.
  std::set<std::int64_t> shaped_ids;
  for (auto it = snapshots.rbegin(); it != snapshots.rend() && shaped_ids.size() < o.frames; ++it)
    if (it->result == ResultCode::Success) shaped_ids.insert(it->id);

  std::vector<FrameDigest> frames;
  std::vector<FrameFace> faces;
  std::vector<std::int64_t> face_ids;
  std::size_t faceless = 0;
  for (const auto& s : snapshots) {
    const std::optional<Bytes> bytes = load(s.id);
    if (!bytes || bytes->empty()) continue;
    const bool with_faces = shaped_ids.count(s.id) > 0;
    FrameResult result = engine.analyze(*bytes, with_faces);
    auto* frame = std::get_if<FrameAnalysis>(&result);
    if (frame == nullptr) continue;  // INVALID_IMAGE rows: nothing to compare
    frames.push_back({s.id, sha256_bytes(bytes->data(), bytes->size()), std::move(frame->thumbnail)});
    if (!with_faces) continue;
    if (frame->faces.empty()) {
      ++faceless;
      continue;
    }
    faces.push_back({frame->faces.front(), frame->width, frame->height});
    face_ids.push_back(s.id);
  }

  check_replay(lan_id, frames, start, end, out);
  check_frozen(lan_id, frames, o, start, end, out);

  if (shaped_ids.size() < o.frames) {
    out.skipped.push_back({lan_id, AlertKind::Impersonation,
                           fmt::format("{} SUCCESS snapshot(s) in the window, need {}", shaped_ids.size(), o.frames)});
    return out;
  }
  const ShapeScores scores = score_faces(faces);
  if (scores.frames < o.frames) {
    out.skipped.push_back({lan_id, AlertKind::Impersonation,
                           fmt::format("{} of the last {} SUCCESS snapshots gave a usable face now ({} without a face)",
                                       scores.frames, o.frames, faceless)});
    return out;
  }
  out.shape = scores;
  if (scores.shape_residual <= o.thresholds.shape_residual)
    out.alerts.push_back(make_alert(
        lan_id, AlertKind::Impersonation, start, end, face_ids, shape_json(scores),
        fmt::format("the last {} verified faces keep the same landmark geometry (residual {:.4f} <= {} eye distances)",
                    scores.frames, scores.shape_residual, o.thresholds.shape_residual)));
  return out;
}

std::string shift_timestamp(const std::string& timestamp, long long seconds) {
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  char tail = 0;
  if (timestamp.size() < 19 || std::sscanf(timestamp.c_str(), "%4d-%2d-%2d %2d:%2d:%2d%c", &year, &month, &day, &hour,
                                           &minute, &second, &tail) < 6)
    throw std::invalid_argument(fmt::format("not a \"YYYY-MM-DD HH:MM:SS\" time: \"{}\"", timestamp));
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::time_t t = timegm(&tm) + static_cast<std::time_t>(seconds);
  std::tm out{};
  gmtime_r(&t, &out);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", out.tm_year + 1900, out.tm_mon + 1, out.tm_mday,
                     out.tm_hour, out.tm_min, out.tm_sec);
}

WatchRun run_watch(WatchStore& store, FaceShapeEngine& engine, const WatchOptions& o, const std::string& window_end,
                   bool dry_run, const std::atomic<bool>& stop) {
  WatchRun run;
  run.window_end = window_end.empty() ? store.now() : shift_timestamp(window_end, 0);
  const long long window = o.window.count();
  run.window_start = shift_timestamp(run.window_end, -window);
  const std::string before_start = shift_timestamp(run.window_end, -2 * window);

  const std::vector<std::string> agents = store.agents_between(run.window_start, run.window_end);
  const std::set<std::string> present(agents.begin(), agents.end());
  run.agents = agents.size();
  std::vector<AlertRecord> found;
  for (const auto& lan_id : store.agents_between(before_start, run.window_start)) {
    if (present.count(lan_id) > 0) continue;
    found.push_back(
        make_alert(lan_id, AlertKind::NoData, run.window_start, run.window_end, {}, "{}",
                   fmt::format("snapshots arrived in ({}, {}] but none since", before_start, run.window_start)));
  }
  const ImageLoader load = [&store](std::int64_t id) { return store.snapshot_image(id); };
  for (const auto& lan_id : agents) {
    if (stop) {
      run.interrupted = true;
      break;
    }
    const auto snapshots = store.decided_snapshots(lan_id, run.window_start, run.window_end);
    AgentFindings f = check_agent(lan_id, snapshots, load, engine, o, run.window_start, run.window_end);
    found.insert(found.end(), f.alerts.begin(), f.alerts.end());
    run.skipped.insert(run.skipped.end(), f.skipped.begin(), f.skipped.end());
  }
  for (auto& alert : found) {
    RaisedAlert raised{alert, std::nullopt};
    if (!dry_run) raised.written = store.record_alert(alert);
    if (raised.written) raised.alert.id = raised.written->id;
    run.alerts.push_back(std::move(raised));
  }
  return run;
}

}  // namespace biosense
