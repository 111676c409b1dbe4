#include "biosense/calibration/site_pairs.hpp"

#include <limits>

#include "biosense/calibration/calibration.hpp"

namespace biosense {

SitePairs site_pairs(const std::vector<SiteFace>& benchmarks, const std::vector<SiteFace>& snapshots) {
  SitePairs out;
  out.agents = benchmarks.size();
  std::vector<double> distances(benchmarks.size());
  for (const auto& snapshot : snapshots) {
    std::optional<std::size_t> own;
    double closest_other = std::numeric_limits<double>::infinity();
    for (std::size_t b = 0; b < benchmarks.size(); ++b) {
      distances[b] = face_distance(snapshot.encoding, benchmarks[b].encoding);
      if (benchmarks[b].lan_id == snapshot.lan_id)
        own = b;
      else
        closest_other = std::min(closest_other, distances[b]);
    }
    if (!own) ++out.without_benchmark;
    for (std::size_t b = 0; b < benchmarks.size(); ++b) {
      if (own && b == *own) continue;
      out.pairs.push_back({distances[b], false, pair_mirror_gaps(snapshot.mirror_gap, benchmarks[b].mirror_gap)});
    }
    if (!own) continue;
    ++out.snapshots;
    if (closest_other < distances[*own]) {
      ++out.genuine_left_out;
      continue;
    }
    out.pairs.push_back({distances[*own], true, pair_mirror_gaps(snapshot.mirror_gap, benchmarks[*own].mirror_gap)});
  }
  return out;
}

}  // namespace biosense
