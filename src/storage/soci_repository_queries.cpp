/// Benchmarks, encodings, the gallery, reprocessing and inserts over SOCI.
#include <soci/soci.h>

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "row_reader.hpp"
#include "soci_repository.hpp"

namespace biosense::storage {

std::optional<TrainImageInfo> SociRepository::newest_train_image(const std::string& lan_id) {
  return conn_->guarded("read the newest train_img", [&] { return newest_train_image_where(lan_id, false); });
}

std::optional<TrainImageInfo> SociRepository::newest_approved_train_image(const std::string& lan_id) {
  return conn_->guarded("read the newest approved train_img", [&] { return newest_train_image_where(lan_id, true); });
}

std::optional<TrainImageInfo> SociRepository::newest_train_image_where(const std::string& lan_id, bool approved_only) {
  long long id = 0;
  std::string lan, status, result;
  soci::indicator lan_ind = soci::i_ok, status_ind = soci::i_ok, result_ind = soci::i_ok;
  soci::statement st =
      (conn_->sql().prepare << std::string("SELECT id, lan_id, status, result FROM train_img WHERE "
                                           "lan_id = :lan_id") +
                                   (approved_only ? " AND status = 'Y'" : "") + " ORDER BY id DESC LIMIT 1",
       soci::into(id), soci::into(lan, lan_ind), soci::into(status, status_ind), soci::into(result, result_ind),
       soci::use(lan_id));
  if (!st.execute(true)) return std::nullopt;
  TrainImageInfo info;
  info.id = id;
  info.lan_id = lan_ind == soci::i_ok ? lan : std::string();
  info.status = parse_status(status, status_ind);
  if (result_ind == soci::i_ok) info.result = result;
  return info;
}

std::optional<ImageRow> SociRepository::claim_train_image(std::int64_t id, const std::string& worker) {
  return conn_->guarded("claim a train_img row", [&]() -> std::optional<ImageRow> {
    long long row_id = id;
    soci::statement mark = (conn_->sql().prepare << "UPDATE train_img SET status = 'P', claimed_by = :worker,"
                                                    " claimed_at = CURRENT_TIMESTAMP, attempts = COALESCE(attempts, 0)"
                                                    " + 1 WHERE id = :id AND status = 'N'",
                            soci::use(worker), soci::use(row_id));
    mark.execute(true);
    if (mark.get_affected_rows() != 1) return std::nullopt;
    const auto rows = load_claimed(ImageKind::Train, {row_id}, worker);
    if (rows.empty()) return std::nullopt;  // reclaimed between the two statements
    return rows.front();
  });
}

std::optional<ImageRow> SociRepository::load_train_image(std::int64_t id) {
  return conn_->guarded("read a train_img row", [&]() -> std::optional<ImageRow> {
    long long row_id = id;
    auto rows =
        fetch_image_rows(conn_->sql(), ImageKind::Train,
                         fmt::format("SELECT {} FROM train_img WHERE id = :id", kImageRowColumns), soci::use(row_id));
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
  });
}

std::optional<StoredEncoding> SociRepository::load_encoding(std::int64_t train_img_id,
                                                            const std::string& model_version) {
  return conn_->guarded("read a face_encoding", [&]() -> std::optional<StoredEncoding> {
    long long row_id = train_img_id;
    std::string blob;
    long long left = 0, top = 0, right = 0, bottom = 0;
    double quality = 0.0, mirror_gap = 0.0;
    soci::indicator quality_ind = soci::i_ok, gap_ind = soci::i_ok;
    soci::statement st =
        (conn_->sql().prepare << "SELECT encoding, box_left, box_top, box_right, box_bottom, quality, mirror_gap"
                                 " FROM face_encoding WHERE train_img_id = :id AND model_version = :mv",
         soci::into(blob), soci::into(left), soci::into(top), soci::into(right), soci::into(bottom),
         soci::into(quality, quality_ind), soci::into(mirror_gap, gap_ind), soci::use(row_id),
         soci::use(model_version));
    if (!st.execute(true)) return std::nullopt;
    const auto encoding = encoding_from_blob(blob);
    if (!encoding) return std::nullopt;  // a damaged cache entry: the caller recomputes and overwrites it
    StoredEncoding stored;
    stored.train_img_id = train_img_id;
    stored.model_version = model_version;
    stored.encoding = *encoding;
    stored.box =
        FaceBox{static_cast<long>(left), static_cast<long>(top), static_cast<long>(right), static_cast<long>(bottom)};
    stored.quality = quality_ind == soci::i_ok ? quality : 0.0;
    if (gap_ind == soci::i_ok) stored.mirror_gap = mirror_gap;
    return stored;
  });
}

void SociRepository::save_encoding(const StoredEncoding& encoding) {
  conn_->guarded("save a face_encoding", [&] { upsert_encoding(encoding); });
}

void SociRepository::upsert_encoding(const StoredEncoding& e) {
  long long id = e.train_img_id;
  std::string blob = encoding_to_blob(e.encoding);
  long long left = e.box.left, top = e.box.top, right = e.box.right, bottom = e.box.bottom;
  double quality = e.quality;
  double mirror_gap = e.mirror_gap.value_or(0.0);
  soci::indicator gap_ind = e.mirror_gap ? soci::i_ok : soci::i_null;
  const auto& dialect = conn_->dialect_sql();
  conn_->sql() << "INSERT INTO face_encoding (train_img_id, model_version, encoding, box_left, box_top, box_right,"
                  " box_bottom, quality, mirror_gap, created_at) VALUES (:train_img_id, :model_version, " +
                      dialect.blob_param("encoding") +
                      ", :box_left, :box_top, :box_right, :box_bottom, :quality, :mirror_gap, CURRENT_TIMESTAMP)" +
                      std::string(dialect.upsert_encoding),
      soci::use(id), soci::use(e.model_version), soci::use(blob), soci::use(left), soci::use(top), soci::use(right),
      soci::use(bottom), soci::use(quality), soci::use(mirror_gap, gap_ind);
}

std::vector<GalleryEntry> SociRepository::load_gallery(const std::string& model_version) {
  return conn_->guarded("read the gallery of enrolled benchmarks", [&] {
    // Each agent's newest approved image, joined with its cached encoding of
    // this version. Sorted here, not by an ORDER BY: the database would sort
    // the 512-byte encodings too (10,000 agents on MariaDB: 80 -> 63 ms,
    // docs/performance.md "The gallery check").
    std::string lan_id, blob;
    long long train_img_id = 0;
    soci::statement st =
        (conn_->sql().prepare << "SELECT b.lan_id, b.id, e.encoding FROM (SELECT lan_id, MAX(id) AS id FROM train_img"
                                 " WHERE status = 'Y' AND lan_id IS NOT NULL GROUP BY lan_id) b"
                                 " JOIN face_encoding e ON e.train_img_id = b.id AND e.model_version = :mv",
         soci::into(lan_id), soci::into(train_img_id), soci::into(blob), soci::use(model_version));
    st.execute();
    std::vector<GalleryEntry> gallery;
    while (st.fetch()) {
      const auto encoding = encoding_from_blob(blob);
      if (!encoding) continue;  // a damaged cache entry: its agent's own pass encodes it again
      gallery.push_back(GalleryEntry{lan_id, static_cast<std::int64_t>(train_img_id), *encoding});
    }
    std::sort(gallery.begin(), gallery.end(),
              [](const GalleryEntry& a, const GalleryEntry& b) { return a.train_img_id < b.train_img_id; });
    return gallery;
  });
}

std::vector<ImageRow> SociRepository::decided_snapshots(std::int64_t before_id, std::size_t max_rows) {
  if (max_rows == 0) return {};
  return conn_->guarded("read decided snapshots", [&] {
    long long before = before_id;
    long long limit = static_cast<long long>(max_rows);
    return fetch_image_rows(conn_->sql(), ImageKind::Stream,
                            fmt::format("SELECT {} FROM stream_img WHERE status = 'Y' AND result IN ('SUCCESS', "
                                        "'SUCCESS_MULTIPLE_FACES', 'UNKNOWN_PERSON', 'UNKNOWN_MULTIPLE_FACES') "
                                        "AND image IS NOT NULL AND id < :before_id ORDER BY id DESC LIMIT :max_rows",
                                        kImageRowColumns),
                            soci::use(before), soci::use(limit));
  });
}

std::vector<std::int64_t> SociRepository::select_for_reprocess(const ReprocessFilter& filter) {
  return conn_->guarded("select rows to reprocess", [&] {
    // The WHERE clause is assembled from fixed fragments; every value is bound.
    std::string query = "SELECT id FROM stream_img WHERE status IN ('Y', 'F')";
    long long id = 0, wanted_id = 0;
    const std::string result = filter.result ? std::string(result_code_name(*filter.result)) : std::string();
    soci::statement st(conn_->sql());
    st.exchange(soci::into(id));
    if (filter.lan_id) {
      query += " AND lan_id = :lan_id";
      st.exchange(soci::use(*filter.lan_id));
    }
    if (filter.result) {
      query += " AND result = :result";
      st.exchange(soci::use(result));
    }
    if (filter.since) {
      query += " AND capture_time >= :since";
      st.exchange(soci::use(*filter.since));
    }
    if (!filter.ids.empty()) {
      query += " AND id = :id";
      st.exchange(soci::use(wanted_id));
    }
    query += " ORDER BY id";
    st.alloc();
    st.prepare(query);
    st.define_and_bind();
    std::set<std::int64_t> ids;
    const auto run = [&] {
      st.execute();
      while (st.fetch()) ids.insert(id);
    };
    if (filter.ids.empty()) {
      run();
    } else {
      for (std::int64_t each : filter.ids) {
        wanted_id = each;
        run();
      }
    }
    return std::vector<std::int64_t>(ids.begin(), ids.end());
  });
}

std::size_t SociRepository::reset_to_pending(ImageKind kind, const std::vector<std::int64_t>& ids) {
  if (ids.empty()) return 0;
  const std::string table = table_name(kind);
  return conn_->guarded(fmt::format("reset rows of {} to pending", table), [&] {
    return conn_->retrying([&] {
      WriteTransaction tx(*conn_);
      long long id = 0;
      soci::statement st = (conn_->sql().prepare << "UPDATE " + table +
                                                        " SET status = 'N', claimed_by = NULL, claimed_at = NULL"
                                                        " WHERE id = :id AND status IN ('Y', 'F')",
                            soci::use(id));
      std::size_t changed = 0;
      for (std::int64_t each : ids) {
        id = each;
        st.execute(true);
        changed += static_cast<std::size_t>(st.get_affected_rows());
      }
      tx.commit();
      return changed;
    });
  });
}

std::int64_t SociRepository::insert_image(ImageKind kind, const std::string& lan_id, const Bytes& image,
                                          const std::string& capture_time) {
  const std::string table = table_name(kind);
  return conn_->guarded(fmt::format("insert into {}", table), [&] {
    std::string blob = bytes_to_string(image);
    soci::indicator time_ind = capture_time.empty() ? soci::i_null : soci::i_ok;
    std::string time = capture_time;
    conn_->sql() << "INSERT INTO " + table +
                        " (lan_id, capture_time, image, status, attempts) VALUES (:lan_id,"
                        " COALESCE(:capture_time, CURRENT_TIMESTAMP), " +
                        conn_->dialect_sql().blob_param("image") + ", 'N', 0)",
        soci::use(lan_id), soci::use(time, time_ind), soci::use(blob);
    long long id = 0;
    if (!conn_->sql().get_last_insert_id(table, id))
      throw std::runtime_error("the backend did not report the new row's id");
    return static_cast<std::int64_t>(id);
  });
}

}  // namespace biosense::storage
