#pragma once
/// `calibrate --from-db`: the site's own comparisons (calibration/site_pairs.hpp)
/// from its database: every agent's cached benchmark encoding and the newest
/// decided snapshots, encoded again on a pool of engines.
#include <cstddef>
#include <string>

#include "biosense/calibration/site_pairs.hpp"
#include "biosense/cli/commands.hpp"

namespace biosense::cli {

struct SiteScores {
  SitePairs pairs;
  std::size_t snapshots_read = 0;      ///< decided snapshots read from the database
  std::size_t snapshots_unusable = 0;  ///< of them: not exactly one face, or undecodable
  std::string database;                ///< the URL, redacted
};

/// Reads the benchmarks (Repository::load_gallery, for the encodings the
/// engines make) and up to `max_snapshots` decided snapshots, newest first,
/// in chunks of 64; encodes each snapshot with exactly one face. Throws
/// StorageError when the database fails, UsageError when no agent has a
/// cached benchmark of this encoding version.
SiteScores score_site(const CommandContext& ctx, std::size_t max_snapshots, int cpus,
                      const DetectionOptions& detection);

}  // namespace biosense::cli
