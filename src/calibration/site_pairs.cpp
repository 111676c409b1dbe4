#include "biosense/calibration/site_pairs.hpp"

#include "biosense/calibration/calibration.hpp"

namespace biosense {

SitePairs site_pairs(const std::vector<SiteFace>& benchmarks, const std::vector<SiteFace>& snapshots) {
  SitePairs out;
  out.agents = benchmarks.size();
  std::vector<double> distances(benchmarks.size());
  for (const auto& snapshot : snapshots) {
    std::optional<std::size_t> own, nearest;
    for (std::size_t b = 0; b < benchmarks.size(); ++b) {
      distances[b] = face_distance(snapshot.encoding, benchmarks[b].encoding);
      if (benchmarks[b].lan_id == snapshot.lan_id) own = b;
      if (!nearest || distances[b] < distances[*nearest]) nearest = b;
    }
    if (!own) ++out.without_benchmark;
    // Closer to another agent than to its own (or it has none): most likely
    // that agent, so neither that comparison nor the own one has a label.
    const bool stand_in = nearest && (!own || distances[*nearest] < distances[*own]);
    for (std::size_t b = 0; b < benchmarks.size(); ++b) {
      if ((own && b == *own) || (stand_in && b == *nearest)) continue;
      out.pairs.push_back({distances[b], false, pair_mirror_gaps(snapshot.mirror_gap, benchmarks[b].mirror_gap)});
    }
    if (!own) continue;
    ++out.snapshots;
    if (stand_in) {
      ++out.genuine_left_out;
      continue;
    }
    out.pairs.push_back({distances[*own], true, pair_mirror_gaps(snapshot.mirror_gap, benchmarks[*own].mirror_gap)});
  }
  return out;
}

}  // namespace biosense
