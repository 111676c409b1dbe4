#pragma once
/// What the pipeline needs of a database. Implementations: SOCI over MariaDB
/// and SQLite (src/storage/), and an in-memory fake for fast pipeline tests
/// (tests/support/). Every SQL statement lives in src/storage/.
///
/// Thread-safety: none. One Repository (one connection) per thread.
/// Errors: a lost or failing database throws StorageError; a transaction that
/// throws has been rolled back.
#include <functional>
#include <memory>
#include <stdexcept>

#include "biosense/storage/records.hpp"

namespace biosense {

/// The database is unreachable or refused an operation: exit code 2.
class StorageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What claim_one found for one id.
struct SingleClaim {
  enum class Outcome {
    Claimed,  ///< the row is ours now (status P, attempts + 1); `row` holds it
    Missing,  ///< no row with that id
    Decided,  ///< already Y or F: `status`, `result`
    Busy,     ///< claimed (P) by another worker: `holder` (empty when unknown)
  };
  Outcome outcome = Outcome::Missing;
  std::optional<ImageRow> row;
  Status status = Status::Pending;
  std::optional<std::string> result;
  std::string holder;
};

class Repository {
 public:
  virtual ~Repository() = default;

  /// Takes back claims (P -> N, claim fields cleared) of `kind` that are older
  /// than `lease`, or held by `host:<pid>` where `is_alive(pid)` is false.
  /// Returns how many rows were taken back.
  virtual std::size_t reclaim_stale(ImageKind kind, std::chrono::seconds lease, const std::string& host,
                                    const std::function<bool(long pid)>& is_alive) = 0;

  /// Highest id of an N row now (0 if none). A pass decides rows up to this
  /// id only, so it ends even while the capture client keeps inserting.
  virtual std::int64_t max_pending_id(ImageKind kind) = 0;

  /// Atomically claims up to `max_rows` N rows with id <= `max_id`, lowest id
  /// first: status P, claimed_by = worker, claimed_at = now, attempts + 1.
  /// Concurrent callers (threads, processes, hosts) never get the same row.
  virtual std::vector<ImageRow> claim(ImageKind kind, std::size_t max_rows, std::int64_t max_id,
                                      const std::string& worker) = 0;

  /// Claims the one row `id` of `kind` (the queue consumers: one message, one
  /// row) with the same claim as claim(): status P, claimed_by = worker,
  /// claimed_at = now, attempts + 1, in one write transaction, so a consumer
  /// and a concurrent pass never both get it. A row already claimed by
  /// `worker` itself (left by its own failed attempt) is claimed again.
  virtual SingleClaim claim_one(ImageKind kind, std::int64_t id, const std::string& worker) = 0;

  /// Ids of N rows of `kind` with id > `after_id`, lowest first, at most
  /// `max_rows` (what `publish --pending` sends); no photos are read.
  virtual std::vector<std::int64_t> pending_ids(ImageKind kind, std::int64_t after_id, std::size_t max_rows) = 0;

  /// Reads up to `max_rows` N rows with id > `after_id`, lowest first, without
  /// claiming or writing anything (for --dry-run).
  virtual std::vector<ImageRow> peek_pending(ImageKind kind, std::size_t max_rows, std::int64_t after_id) = 0;

  /// Puts rows still claimed by `worker` back to N (an interrupted chunk).
  virtual void release(ImageKind kind, const std::vector<std::int64_t>& ids, const std::string& worker) = 0;

  /// One transaction: each decision's row is updated (status, result,
  /// processed_time = now, num_faces, accuracy, distance, benchmark_id, and on
  /// stream rows closest_lan_id and closest_distance; claim fields cleared)
  /// only if it is still claimed by `worker`; one process_status row is
  /// inserted per decision; train decisions carrying an encoding upsert
  /// face_encoding. Returns how many rows were updated.
  virtual std::size_t commit_decisions(const std::vector<Decision>& decisions, const std::string& worker) = 0;

  /// The agent's newest train_img (max id), whatever its status.
  virtual std::optional<TrainImageInfo> newest_train_image(const std::string& lan_id) = 0;
  /// The agent's newest approved (Y) train_img.
  virtual std::optional<TrainImageInfo> newest_approved_train_image(const std::string& lan_id) = 0;
  /// Claims one train_img row if it is still N (inline validation of a new
  /// benchmark during a stream pass); nullopt when someone else has it.
  virtual std::optional<ImageRow> claim_train_image(std::int64_t id, const std::string& worker) = 0;
  /// One train_img row with its photo, whatever its status.
  virtual std::optional<ImageRow> load_train_image(std::int64_t id) = 0;

  virtual std::optional<StoredEncoding> load_encoding(std::int64_t train_img_id, const std::string& model_version) = 0;
  /// Upserts a benchmark encoding computed outside validation (an older Y row).
  virtual void save_encoding(const StoredEncoding& encoding) = 0;
  /// The gallery: for every lan_id, its newest approved (Y) train_img, when
  /// that image has an encoding of `model_version` cached in face_encoding;
  /// ascending train_img id. Agents whose newest approved image has no such
  /// encoding (or a damaged one) are left out: nothing is encoded here.
  virtual std::vector<GalleryEntry> load_gallery(const std::string& model_version) = 0;

  /// Up to `max_rows` decided snapshots with a face verdict (status Y,
  /// result SUCCESS, SUCCESS_MULTIPLE_FACES, UNKNOWN_PERSON or
  /// UNKNOWN_MULTIPLE_FACES) and a photo, with id < `before_id`, newest
  /// (highest id) first: what `calibrate --from-db` re-encodes. Call again
  /// with the last id returned to page back through them.
  virtual std::vector<ImageRow> decided_snapshots(std::int64_t before_id, std::size_t max_rows) = 0;

  /// Ids of decided (Y/F) stream rows matching `filter`, ascending.
  virtual std::vector<std::int64_t> select_for_reprocess(const ReprocessFilter& filter) = 0;
  /// Sets these decided rows of `kind` back to N (claim fields cleared);
  /// returns how many changed.
  virtual std::size_t reset_to_pending(ImageKind kind, const std::vector<std::int64_t>& ids) = 0;

  /// Inserts a photo as a new N row, as the capture client does; returns its id.
  virtual std::int64_t insert_image(ImageKind kind, const std::string& lan_id, const Bytes& image,
                                    const std::string& capture_time) = 0;
};

/// Opens `url`: "sqlite:PATH" or "mysql://USER[:PASSWORD]@HOST[:PORT]/DB".
/// Throws UsageError for a malformed URL, StorageError when it cannot connect.
std::unique_ptr<Repository> open_repository(const std::string& url);

}  // namespace biosense
