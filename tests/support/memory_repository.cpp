/// The in-memory Repository. Each method mirrors a statement of
/// src/storage/soci_repository*.cpp; keep the two in step (the storage tests
/// run the same cases against both).
#include "support/memory_repository.hpp"

#include <algorithm>
#include <ctime>
#include <set>

#include <fmt/format.h>

#include "biosense/storage/claims.hpp"

namespace biosense::test {
namespace {

constexpr std::time_t kClockStart = 1704067200;  // 2024-01-01 00:00:00 UTC

int kind_index(ImageKind kind) { return kind == ImageKind::Stream ? 0 : 1; }

bool decided(Status s) { return s == Status::Done || s == Status::Failed; }

}  // namespace

MemoryRepository::MemoryRepository() : now_(std::chrono::system_clock::from_time_t(kClockStart)) {}

void MemoryRepository::enter(const std::string& method) {
  ++calls_[method];
  const auto it = pending_failures_.find(method);
  if (it == pending_failures_.end() || it->second == 0) return;
  --it->second;
  throw StorageError(fmt::format("database memory: {} failed: injected failure", method));
}

void MemoryRepository::fail_next(const std::string& method) { ++pending_failures_[method]; }

int MemoryRepository::call_count(const std::string& method) const {
  const auto it = calls_.find(method);
  return it == calls_.end() ? 0 : it->second;
}

std::string MemoryRepository::now_text() const {
  const std::time_t t = std::chrono::system_clock::to_time_t(now_);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

ImageRow MemoryRepository::to_image_row(const RowView& r) const {
  ImageRow row;
  row.kind = r.kind;
  row.id = r.id;
  row.lan_id = r.lan_id;
  row.capture_time = r.capture_time;
  row.image = r.image;
  row.attempts = r.attempts;
  return row;
}

std::size_t MemoryRepository::reclaim_stale(ImageKind kind, std::chrono::seconds lease, const std::string& host,
                                            const std::function<bool(long pid)>& is_alive) {
  enter("reclaim_stale");
  std::map<long, bool> alive;
  std::size_t taken = 0;
  for (auto& [id, r] : table(kind)) {
    if (r.status != Status::Claimed) continue;
    bool stale = !r.claimed_at || *r.claimed_at < now_ - lease;
    if (!stale && r.claimed_by) {
      if (const auto pid = claim_pid(*r.claimed_by, host)) {
        const auto it = alive.find(*pid);
        stale = !(it != alive.end() ? it->second : (alive[*pid] = is_alive(*pid)));
      }
    }
    if (!stale) continue;
    r.status = Status::Pending;
    r.claimed_by.reset();
    r.claimed_at.reset();
    ++taken;
  }
  return taken;
}

std::int64_t MemoryRepository::max_pending_id(ImageKind kind) {
  enter("max_pending_id");
  std::int64_t max = 0;
  for (const auto& [id, r] : table(kind))
    if (r.status == Status::Pending) max = id;
  return max;
}

std::vector<ImageRow> MemoryRepository::claim(ImageKind kind, std::size_t max_rows, std::int64_t max_id,
                                              const std::string& worker) {
  enter("claim");
  std::vector<ImageRow> rows;
  for (auto& [id, r] : table(kind)) {
    if (rows.size() >= max_rows || id > max_id) break;
    if (r.status != Status::Pending) continue;
    r.status = Status::Claimed;
    r.claimed_by = worker;
    r.claimed_at = now_;
    ++r.attempts;
    rows.push_back(to_image_row(r));
  }
  return rows;
}

SingleClaim MemoryRepository::claim_one(ImageKind kind, std::int64_t id, const std::string& worker) {
  enter("claim_one");
  SingleClaim c;
  const auto it = table(kind).find(id);
  if (it == table(kind).end()) return c;  // Missing
  RowView& r = it->second;
  if (decided(r.status)) {
    c.outcome = SingleClaim::Outcome::Decided;
    c.status = r.status;
    c.result = r.result;
    return c;
  }
  if (r.status == Status::Claimed && r.claimed_by != worker) {
    c.outcome = SingleClaim::Outcome::Busy;
    c.status = r.status;
    c.holder = r.claimed_by.value_or("");
    return c;
  }
  r.status = Status::Claimed;
  r.claimed_by = worker;
  r.claimed_at = now_;
  ++r.attempts;
  c.outcome = SingleClaim::Outcome::Claimed;
  c.status = Status::Claimed;
  c.row = to_image_row(r);
  return c;
}

std::vector<std::int64_t> MemoryRepository::pending_ids(ImageKind kind, std::int64_t after_id, std::size_t max_rows) {
  enter("pending_ids");
  std::vector<std::int64_t> ids;
  for (auto it = table(kind).upper_bound(after_id); it != table(kind).end() && ids.size() < max_rows; ++it)
    if (it->second.status == Status::Pending) ids.push_back(it->first);
  return ids;
}

std::vector<ImageRow> MemoryRepository::peek_pending(ImageKind kind, std::size_t max_rows, std::int64_t after_id) {
  enter("peek_pending");
  std::vector<ImageRow> rows;
  for (auto it = table(kind).upper_bound(after_id); it != table(kind).end() && rows.size() < max_rows; ++it)
    if (it->second.status == Status::Pending) rows.push_back(to_image_row(it->second));
  return rows;
}

void MemoryRepository::release(ImageKind kind, const std::vector<std::int64_t>& ids, const std::string& worker) {
  enter("release");
  for (std::int64_t id : ids) {
    const auto it = table(kind).find(id);
    if (it == table(kind).end()) continue;
    RowView& r = it->second;
    if (r.status != Status::Claimed || r.claimed_by != worker) continue;
    r.status = Status::Pending;
    r.claimed_by.reset();
    r.claimed_at.reset();
  }
}

std::size_t MemoryRepository::commit_decisions(const std::vector<Decision>& decisions, const std::string& worker) {
  enter("commit_decisions");
  std::size_t updated = 0;
  for (const Decision& d : decisions) {
    const auto it = table(d.kind).find(d.id);
    const bool recorded =
        it != table(d.kind).end() && it->second.status == Status::Claimed && it->second.claimed_by == worker;
    if (recorded) {
      RowView& r = it->second;
      r.status = d.status();
      r.result = std::string(result_code_name(d.result));
      r.processed_time = now_;
      r.num_faces = d.num_faces;
      if (d.kind == ImageKind::Stream) {
        r.accuracy = d.accuracy;
        r.distance = d.distance;
        r.benchmark_id = d.benchmark_id;
        r.closest_lan_id = d.closest_lan_id;
        r.closest_distance = d.closest_distance;
      }
      r.claimed_by.reset();
      r.claimed_at.reset();
      ++updated;
      if (d.kind == ImageKind::Train && d.encoding)
        encodings_[{d.encoding->train_img_id, d.encoding->model_version}] = *d.encoding;
    }
    AuditRow audit;
    audit.kind = d.kind;
    audit.image_id = d.id;
    audit.lan_id = d.lan_id;
    audit.status = d.status();
    audit.result = std::string(result_code_name(d.result));
    audit.num_faces = d.num_faces;
    audit.distance = d.distance;
    audit.accuracy = d.accuracy;
    audit.benchmark_id = d.benchmark_id;
    audit.model_version = d.model_version;
    audit.worker = worker;
    audit.detail =
        recorded ? d.detail
                 : fmt::format("verdict not recorded: the row was no longer claimed by this worker. {}", d.detail);
    audit_.push_back(std::move(audit));
  }
  return updated;
}

std::optional<TrainImageInfo> MemoryRepository::newest_train_image(const std::string& lan_id) {
  enter("newest_train_image");
  for (auto it = train_.rbegin(); it != train_.rend(); ++it)
    if (it->second.lan_id == lan_id)
      return TrainImageInfo{it->first, it->second.lan_id, it->second.status, it->second.result};
  return std::nullopt;
}

std::optional<TrainImageInfo> MemoryRepository::newest_approved_train_image(const std::string& lan_id) {
  enter("newest_approved_train_image");
  for (auto it = train_.rbegin(); it != train_.rend(); ++it)
    if (it->second.lan_id == lan_id && it->second.status == Status::Done)
      return TrainImageInfo{it->first, it->second.lan_id, it->second.status, it->second.result};
  return std::nullopt;
}

std::optional<ImageRow> MemoryRepository::claim_train_image(std::int64_t id, const std::string& worker) {
  enter("claim_train_image");
  const auto it = train_.find(id);
  if (it == train_.end() || it->second.status != Status::Pending) return std::nullopt;
  RowView& r = it->second;
  r.status = Status::Claimed;
  r.claimed_by = worker;
  r.claimed_at = now_;
  ++r.attempts;
  return to_image_row(r);
}

std::optional<ImageRow> MemoryRepository::load_train_image(std::int64_t id) {
  enter("load_train_image");
  const auto it = train_.find(id);
  if (it == train_.end()) return std::nullopt;
  return to_image_row(it->second);
}

std::optional<StoredEncoding> MemoryRepository::load_encoding(std::int64_t train_img_id,
                                                              const std::string& model_version) {
  enter("load_encoding");
  const auto it = encodings_.find({train_img_id, model_version});
  if (it == encodings_.end()) return std::nullopt;
  return it->second;
}

void MemoryRepository::save_encoding(const StoredEncoding& encoding) {
  enter("save_encoding");
  encodings_[{encoding.train_img_id, encoding.model_version}] = encoding;
}

std::vector<GalleryEntry> MemoryRepository::load_gallery(const std::string& model_version) {
  enter("load_gallery");
  std::map<std::string, std::int64_t> newest;  // lan_id -> newest approved train_img id
  for (const auto& [id, r] : train_)
    if (r.status == Status::Done) newest[r.lan_id] = id;  // ids ascend: the last one wins
  std::map<std::int64_t, GalleryEntry> by_id;
  for (const auto& [lan_id, id] : newest) {
    const auto it = encodings_.find({id, model_version});
    if (it != encodings_.end()) by_id[id] = GalleryEntry{lan_id, id, it->second.encoding};
  }
  std::vector<GalleryEntry> gallery;
  for (auto& [id, entry] : by_id) gallery.push_back(std::move(entry));
  return gallery;
}

std::vector<ImageRow> MemoryRepository::decided_snapshots(std::int64_t before_id, std::size_t max_rows) {
  enter("decided_snapshots");
  static const std::set<std::string> kFaceVerdicts{"SUCCESS", "SUCCESS_MULTIPLE_FACES", "UNKNOWN_PERSON",
                                                   "UNKNOWN_MULTIPLE_FACES"};
  std::vector<ImageRow> rows;
  for (auto it = stream_.rbegin(); it != stream_.rend() && rows.size() < max_rows; ++it) {
    const RowView& r = it->second;
    if (it->first >= before_id || r.status != Status::Done || !r.image) continue;
    if (!r.result || kFaceVerdicts.count(*r.result) == 0) continue;
    rows.push_back(to_image_row(r));
  }
  return rows;
}

std::vector<std::int64_t> MemoryRepository::select_for_reprocess(const ReprocessFilter& filter) {
  enter("select_for_reprocess");
  const std::set<std::int64_t> wanted(filter.ids.begin(), filter.ids.end());
  const std::string result = filter.result ? std::string(result_code_name(*filter.result)) : std::string();
  std::vector<std::int64_t> ids;
  for (const auto& [id, r] : stream_) {
    if (!decided(r.status)) continue;
    if (!wanted.empty() && wanted.count(id) == 0) continue;
    if (filter.lan_id && r.lan_id != *filter.lan_id) continue;
    if (filter.result && r.result != result) continue;
    if (filter.since && r.capture_time < *filter.since) continue;  // text order, as SQLite compares
    ids.push_back(id);
  }
  return ids;
}

std::size_t MemoryRepository::reset_to_pending(ImageKind kind, const std::vector<std::int64_t>& ids) {
  enter("reset_to_pending");
  std::size_t changed = 0;
  for (std::int64_t id : std::set<std::int64_t>(ids.begin(), ids.end())) {
    const auto it = table(kind).find(id);
    if (it == table(kind).end() || !decided(it->second.status)) continue;
    it->second.status = Status::Pending;
    it->second.claimed_by.reset();
    it->second.claimed_at.reset();
    ++changed;
  }
  return changed;
}

std::int64_t MemoryRepository::insert_image(ImageKind kind, const std::string& lan_id, const Bytes& image,
                                            const std::string& capture_time) {
  enter("insert_image");
  RowView r;
  r.kind = kind;
  r.id = next_id_[kind_index(kind)]++;
  r.lan_id = lan_id;
  r.capture_time = capture_time.empty() ? now_text() : capture_time;
  r.image = image;
  const std::int64_t id = r.id;
  table(kind)[id] = std::move(r);
  return id;
}

std::int64_t MemoryRepository::add_row(ImageKind kind, const std::string& lan_id, Status status,
                                       std::optional<Bytes> image, std::optional<ResultCode> result,
                                       const std::string& capture_time) {
  RowView r;
  r.kind = kind;
  r.id = next_id_[kind_index(kind)]++;
  r.lan_id = lan_id;
  r.capture_time = capture_time;
  r.image = std::move(image);
  r.status = status;
  if (result) r.result = std::string(result_code_name(*result));
  if (decided(status)) r.processed_time = now_;
  const std::int64_t id = r.id;
  table(kind)[id] = std::move(r);
  return id;
}

const RowView& MemoryRepository::row(ImageKind kind, std::int64_t id) const { return table(kind).at(id); }

std::vector<RowView> MemoryRepository::rows(ImageKind kind) const {
  std::vector<RowView> out;
  for (const auto& [id, r] : table(kind)) out.push_back(r);
  return out;
}

}  // namespace biosense::test
