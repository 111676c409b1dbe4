/// bench_watch: the watch's scores and verdicts over snapshot sequences, for
/// docs/liveness.md. Not a test. Reads a manifest (bench/watch/make_sequences.py)
/// of `sequence,kind,group,frame` rows, runs biosense::check_agent on each
/// sequence exactly as `biosense watch` does for one agent (every frame
/// treated as a SUCCESS snapshot, in manifest order), and writes one CSV row
/// per sequence with the raw scores and the alerts at the given thresholds.
///
///   bench_watch MANIFEST -o OUT.csv [--shape-threshold T] [--frozen-threshold F]
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <atomic>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "biosense/engine/face_shape.hpp"
#include "biosense/watch/watch.hpp"

using namespace biosense;

namespace {

struct Sequence {
  std::string name, kind, group;
  std::vector<std::string> frames;
};

std::vector<Sequence> read_manifest(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::string line;
  std::getline(in, line);  // header
  std::vector<Sequence> seqs;
  std::map<std::string, std::size_t> index;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::istringstream fields(line);
    std::string name, kind, group, frame;
    std::getline(fields, name, ',');
    std::getline(fields, kind, ',');
    std::getline(fields, group, ',');
    std::getline(fields, frame);
    if (name.empty()) continue;
    auto it = index.find(name);
    if (it == index.end()) {
      it = index.emplace(name, seqs.size()).first;
      seqs.push_back({name, kind, group, {}});
    }
    seqs[it->second].frames.push_back(frame);
  }
  return seqs;
}

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_watch: the watch's scores over snapshot sequences"};
  std::string manifest, output;
  WatchOptions options;
  app.add_option("MANIFEST", manifest)->required();
  app.add_option("-o,--output", output)->required();
  app.add_option("--shape-threshold", options.thresholds.shape_residual)->capture_default_str();
  app.add_option("--frozen-threshold", options.thresholds.frozen_change)->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const auto sequences = read_manifest(manifest);
  FaceShapeEngine engine(Models::load(), ShapeModel68::load());
  std::ofstream out(output);
  out << "sequence,kind,group,frames,faces,shape_residual,box_spread,roll_spread_deg,yaw_spread,pitch_spread,"
         "encoding_spread,max_change,min_change,alerts,skipped\n";
  std::int64_t next_id = 1;
  std::size_t done = 0;
  for (const auto& seq : sequences) {
    std::vector<SnapshotInfo> snapshots;
    std::map<std::int64_t, std::string> files;
    for (const auto& frame : seq.frames) {
      SnapshotInfo s;
      s.id = next_id++;
      s.lan_id = seq.group;
      s.capture_time = "2024-01-01 00:00:00";
      s.status = Status::Done;
      s.result = ResultCode::Success;
      files[s.id] = frame;
      snapshots.push_back(s);
    }
    const ImageLoader load = [&files](std::int64_t id) -> std::optional<Bytes> { return read_file(files.at(id)); };
    const AgentFindings f = check_agent(seq.group, snapshots, load, engine, options, "", "");
    // The whole-frame change between consecutive frames (a sequence is frozen
    // at threshold t when its largest change is <= t).
    std::vector<std::vector<float>> thumbs;
    for (const auto& s : snapshots)
      if (auto r = engine.analyze(read_file(files.at(s.id)), false); std::holds_alternative<FrameAnalysis>(r))
        thumbs.push_back(std::get<FrameAnalysis>(r).thumbnail);
    double max_change = 0.0, min_change = 1e9;
    for (std::size_t i = 1; i < thumbs.size(); ++i) {
      const double c = frame_change(thumbs[i - 1], thumbs[i]);
      max_change = std::max(max_change, c);
      min_change = std::min(min_change, c);
    }
    std::string alerts, skipped;
    for (const auto& a : f.alerts) alerts += (alerts.empty() ? "" : "|") + std::string(alert_kind_name(a.kind));
    for (const auto& s : f.skipped) skipped += (skipped.empty() ? "" : "|") + std::string(alert_kind_name(s.check));
    const auto num = [&](double v) { return f.shape ? fmt::format("{:.6f}", v) : std::string(); };
    const ShapeScores sc = f.shape.value_or(ShapeScores{});
    out << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{:.6f},{:.6f},{},{}\n", seq.name, seq.kind, seq.group,
                       seq.frames.size(), sc.frames, num(sc.shape_residual), num(sc.box_spread),
                       num(sc.roll_spread_deg), num(sc.yaw_spread), num(sc.pitch_spread), num(sc.encoding_spread),
                       max_change, thumbs.size() > 1 ? min_change : 0.0, alerts, skipped);
    out.flush();
    if (++done % 50 == 0) std::cerr << done << "/" << sequences.size() << " sequences\n";
  }
  return 0;
}
