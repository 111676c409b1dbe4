#pragma once
/// Process exit codes (DESIGN.md): cron and supervisors act on these.
namespace biosense {

enum class ExitCode : int {
  Ok = 0,              ///< done; rows may still carry non-success results
  Usage = 1,           ///< bad flags, bad configuration, missing input paths
  Infrastructure = 2,  ///< database, queue or model weights unusable
  Interrupted = 130,   ///< SIGINT/SIGTERM before the work was finished
};

inline int to_int(ExitCode code) { return static_cast<int>(code); }

}  // namespace biosense
