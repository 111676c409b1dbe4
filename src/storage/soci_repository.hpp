#pragma once
/// Repository over one SOCI connection (SQLite or MariaDB). Implementation
/// notes beyond repository.hpp's contract:
/// - claims: one write transaction picks the ids (MariaDB: FOR UPDATE SKIP
///   LOCKED) and marks each `WHERE id = ? AND status = 'N'`; the photos are
///   read after the commit, so the write lock is never held while BLOBs move;
/// - a P row with no claimed_at (left by the user's prototype) counts as
///   expired for reclaim_stale;
/// - commit_decisions: each UPDATE is guarded by claimed_by = worker AND
///   status = 'P'. A decision whose row is no longer ours updates nothing and
///   saves no encoding, but its process_status row is still written (it was
///   a real attempt) with a detail saying the verdict was not recorded;
/// - timestamps of rows (claimed_at, processed_time) come from the database
///   clock; process_status.started_at/finished_at from the Decision (UTC);
/// - MariaDB write transactions chosen as deadlock victims are re-run (up to
///   3 times) before a StorageError;
/// - photos are bound as std::string: SQLite writes CAST(? AS BLOB), MariaDB
///   an escaped literal (SOCI's MySQL backend substitutes values client-side),
///   so a photo must fit in half of the server's max_allowed_packet.
#include <memory>

#include "biosense/storage/repository.hpp"
#include "connection.hpp"

namespace biosense::storage {

class SociRepository final : public Repository {
 public:
  explicit SociRepository(std::unique_ptr<Connection> connection);

  std::size_t reclaim_stale(ImageKind kind, std::chrono::seconds lease, const std::string& host,
                            const std::function<bool(long pid)>& is_alive) override;
  std::int64_t max_pending_id(ImageKind kind) override;
  std::vector<ImageRow> claim(ImageKind kind, std::size_t max_rows, std::int64_t max_id,
                              const std::string& worker) override;
  SingleClaim claim_one(ImageKind kind, std::int64_t id, const std::string& worker) override;
  std::vector<std::int64_t> pending_ids(ImageKind kind, std::int64_t after_id, std::size_t max_rows) override;
  std::vector<ImageRow> peek_pending(ImageKind kind, std::size_t max_rows, std::int64_t after_id) override;
  void release(ImageKind kind, const std::vector<std::int64_t>& ids, const std::string& worker) override;
  std::size_t commit_decisions(const std::vector<Decision>& decisions, const std::string& worker) override;

  std::optional<TrainImageInfo> newest_train_image(const std::string& lan_id) override;
  std::optional<TrainImageInfo> newest_approved_train_image(const std::string& lan_id) override;
  std::optional<ImageRow> claim_train_image(std::int64_t id, const std::string& worker) override;
  std::optional<ImageRow> load_train_image(std::int64_t id) override;
  std::optional<StoredEncoding> load_encoding(std::int64_t train_img_id, const std::string& model_version) override;
  void save_encoding(const StoredEncoding& encoding) override;
  std::vector<GalleryEntry> load_gallery(const std::string& model_version) override;
  std::vector<ImageRow> decided_snapshots(std::int64_t before_id, std::size_t max_rows) override;
  std::vector<std::int64_t> select_for_reprocess(const ReprocessFilter& filter) override;
  std::size_t reset_to_pending(ImageKind kind, const std::vector<std::int64_t>& ids) override;
  std::int64_t insert_image(ImageKind kind, const std::string& lan_id, const Bytes& image,
                            const std::string& capture_time) override;

 private:
  /// Claimed rows of `ids` (ascending) still held by `worker`, with photos.
  std::vector<ImageRow> load_claimed(ImageKind kind, const std::vector<long long>& ids, const std::string& worker);
  std::optional<TrainImageInfo> newest_train_image_where(const std::string& lan_id, bool approved_only);
  void upsert_encoding(const StoredEncoding& encoding);

  std::unique_ptr<Connection> conn_;
};

/// "stream_img" / "train_img": table names come from this closed mapping only.
const char* table_name(ImageKind kind);

}  // namespace biosense::storage
