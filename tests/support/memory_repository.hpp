#pragma once
/// An in-memory Repository with the SOCI repository's semantics, for fast
/// pipeline tests: no database, a fixed clock the test advances, rows the test
/// can inspect, and failures the test can inject. The storage tests run the
/// same behavioural cases against it and against SQLite and MariaDB.
///
/// Thread-safety: none, like every Repository.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "biosense/storage/repository.hpp"

namespace biosense::test {

/// Every column of a stream_img / train_img row as the fake stores it
/// (accuracy, distance, benchmark_id and closest_* stay empty on train rows).
struct RowView {
  ImageKind kind = ImageKind::Stream;
  std::int64_t id = 0;
  std::string lan_id;
  std::string capture_time;
  std::optional<Bytes> image;
  Status status = Status::Pending;
  std::optional<std::string> result;
  std::optional<std::chrono::system_clock::time_point> processed_time;
  std::optional<int> num_faces;
  std::optional<double> accuracy;
  std::optional<double> distance;
  std::optional<std::int64_t> benchmark_id;
  std::optional<std::string> closest_lan_id;  ///< stream only
  std::optional<double> closest_distance;     ///< stream only
  std::optional<std::string> claimed_by;
  std::optional<std::chrono::system_clock::time_point> claimed_at;
  int attempts = 0;
};
using StreamRowView = RowView;
using TrainRowView = RowView;

/// One process_status row.
struct AuditRow {
  ImageKind kind = ImageKind::Stream;
  std::int64_t image_id = 0;
  std::string lan_id;
  Status status = Status::Pending;
  std::string result;
  int num_faces = 0;
  std::optional<double> distance;
  std::optional<double> accuracy;
  std::optional<std::int64_t> benchmark_id;
  std::string model_version;
  std::string worker;
  std::string detail;
};

class MemoryRepository final : public Repository {
 public:
  MemoryRepository();

  // --- Repository ---------------------------------------------------------
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

  // --- Test hooks ---------------------------------------------------------
  /// Adds a row in any state (the capture client, or a past pass). A Y/F row
  /// gets processed_time = now(); `result` defaults to none; a P row has no
  /// claimed_by/claimed_at (as the user's prototype left them).
  std::int64_t add_row(ImageKind kind, const std::string& lan_id, Status status = Status::Pending,
                       std::optional<Bytes> image = Bytes{}, std::optional<ResultCode> result = std::nullopt,
                       const std::string& capture_time = "2024-01-01 00:00:00");
  std::int64_t add_stream_row(const std::string& lan_id, Status status = Status::Pending, Bytes image = {}) {
    return add_row(ImageKind::Stream, lan_id, status, std::move(image));
  }
  std::int64_t add_train_row(const std::string& lan_id, Status status = Status::Pending, Bytes image = {}) {
    return add_row(ImageKind::Train, lan_id, status, std::move(image));
  }

  /// The row; throws std::out_of_range for an unknown id.
  const RowView& row(ImageKind kind, std::int64_t id) const;
  const StreamRowView& stream_row(std::int64_t id) const { return row(ImageKind::Stream, id); }
  const TrainRowView& train_row(std::int64_t id) const { return row(ImageKind::Train, id); }
  /// Every row of `kind`, by id.
  std::vector<RowView> rows(ImageKind kind) const;
  const std::vector<AuditRow>& process_status() const { return audit_; }
  std::size_t encoding_count() const { return encodings_.size(); }

  /// Makes the next call of `method` (a Repository method name, e.g.
  /// "commit_decisions") throw StorageError before changing anything.
  void fail_next(const std::string& method);
  void fail_next_commit() { fail_next("commit_decisions"); }
  /// How many times `method` was called (failed calls included).
  int call_count(const std::string& method) const;

  /// Makes the claim on this row look `age` old (lease tests).
  void age_claim(ImageKind kind, std::int64_t id, std::chrono::seconds age) {
    table(kind).at(id).claimed_at = now_ - age;
  }

  /// The fake's clock starts at 2024-01-01 00:00:00 UTC and moves only here.
  void advance_clock(std::chrono::seconds by) { now_ += by; }
  std::chrono::system_clock::time_point now() const { return now_; }

 private:
  using Table = std::map<std::int64_t, RowView>;
  Table& table(ImageKind kind) { return kind == ImageKind::Stream ? stream_ : train_; }
  const Table& table(ImageKind kind) const { return kind == ImageKind::Stream ? stream_ : train_; }
  /// Counts the call and throws if a failure was injected for `method`.
  void enter(const std::string& method);
  ImageRow to_image_row(const RowView& r) const;
  std::string now_text() const;

  Table stream_;
  Table train_;
  std::int64_t next_id_[2] = {1, 1};  ///< per kind: ids are never reused
  std::vector<AuditRow> audit_;
  std::map<std::pair<std::int64_t, std::string>, StoredEncoding> encodings_;
  std::map<std::string, int> calls_;
  std::map<std::string, int> pending_failures_;
  std::chrono::system_clock::time_point now_;
};

}  // namespace biosense::test
