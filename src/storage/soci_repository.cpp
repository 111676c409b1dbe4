/// The claim life cycle over SOCI: reclaim, claim, peek, release, commit.
/// Every value is bound with soci::use; table names come from table_name().
#include "soci_repository.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <ctime>
#include <map>

#include <fmt/format.h>

#include "biosense/storage/claims.hpp"
#include "biosense/storage/migrations.hpp"
#include "row_reader.hpp"

namespace biosense::storage {
namespace {

long long to_ll(std::size_t n) {
  return static_cast<long long>(std::min<std::size_t>(n, static_cast<std::size_t>(INT64_MAX)));
}

/// "YYYY-MM-DD HH:MM:SS.mmm" in UTC; nullopt for a default (epoch) time point.
std::optional<std::string> utc_text(std::chrono::system_clock::time_point t) {
  if (t.time_since_epoch().count() == 0) return std::nullopt;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

soci::indicator ind_of(bool present) { return present ? soci::i_ok : soci::i_null; }

}  // namespace

const char* table_name(ImageKind kind) { return kind == ImageKind::Stream ? "stream_img" : "train_img"; }

SociRepository::SociRepository(std::unique_ptr<Connection> connection) : conn_(std::move(connection)) {}

std::size_t SociRepository::reclaim_stale(ImageKind kind, std::chrono::seconds lease, const std::string& host,
                                          const std::function<bool(long pid)>& is_alive) {
  const std::string table = table_name(kind);
  return conn_->guarded(fmt::format("reclaim stale claims of {}", table), [&] {
    auto& sql = conn_->sql();
    // Claims held on this host by processes that no longer exist. is_alive is
    // asked outside the write transaction; the UPDATE re-checks the holder.
    std::vector<std::pair<long long, std::string>> dead;
    {
      long long id = 0;
      std::string claimed_by;
      soci::statement st = (sql.prepare << "SELECT id, claimed_by FROM " + table +
                                               " WHERE status = 'P' AND claimed_by IS NOT NULL ORDER BY id",
                            soci::into(id), soci::into(claimed_by));
      std::map<long, bool> alive;  // one is_alive call per pid
      st.execute();
      while (st.fetch()) {
        const auto pid = claim_pid(claimed_by, host);
        if (!pid) continue;
        const auto it = alive.find(*pid);
        const bool live = it != alive.end() ? it->second : (alive[*pid] = is_alive(*pid));
        if (!live) dead.emplace_back(id, claimed_by);
      }
    }
    return conn_->retrying([&] {
      std::size_t taken = 0;
      WriteTransaction tx(*conn_);
      long long lease_seconds = lease.count();
      soci::statement expire =
          (sql.prepare << "UPDATE " + table +
                              " SET status = 'N', claimed_by = NULL, claimed_at = NULL WHERE status = 'P'"
                              " AND (claimed_at IS NULL OR " +
                              std::string(conn_->dialect_sql().claim_expired) + ")",
           soci::use(lease_seconds));
      expire.execute(true);
      taken += static_cast<std::size_t>(expire.get_affected_rows());
      long long id = 0;
      std::string holder;
      soci::statement free_dead = (sql.prepare << "UPDATE " + table +
                                                      " SET status = 'N', claimed_by = NULL, claimed_at = NULL"
                                                      " WHERE id = :id AND status = 'P' AND claimed_by = :holder",
                                   soci::use(id), soci::use(holder));
      for (const auto& [dead_id, dead_holder] : dead) {
        id = dead_id;
        holder = dead_holder;
        free_dead.execute(true);
        taken += static_cast<std::size_t>(free_dead.get_affected_rows());
      }
      tx.commit();
      return taken;
    });
  });
}

std::int64_t SociRepository::max_pending_id(ImageKind kind) {
  const std::string table = table_name(kind);
  return conn_->guarded(fmt::format("read the highest pending id of {}", table), [&] {
    long long id = 0;
    conn_->sql() << "SELECT COALESCE(MAX(id), 0) FROM " + table + " WHERE status = 'N'", soci::into(id);
    return static_cast<std::int64_t>(id);
  });
}

std::vector<ImageRow> SociRepository::claim(ImageKind kind, std::size_t max_rows, std::int64_t max_id,
                                            const std::string& worker) {
  if (max_rows == 0) return {};
  const std::string table = table_name(kind);
  return conn_->guarded(fmt::format("claim rows of {}", table), [&] {
    auto& sql = conn_->sql();
    // Read the photos after the commit: the write lock is never held while BLOBs move.
    const std::vector<long long> claimed = conn_->retrying([&] {
      std::vector<long long> claimed_now;
      WriteTransaction tx(*conn_);
      std::vector<long long> candidates;
      {
        long long id = 0;
        long long max = max_id;
        long long limit = to_ll(max_rows);
        soci::statement pick = (sql.prepare << "SELECT id FROM " + table +
                                                   " WHERE status = 'N' AND id <= :max_id ORDER BY id LIMIT :max_rows" +
                                                   std::string(conn_->dialect_sql().claim_lock),
                                soci::into(id), soci::use(max), soci::use(limit));
        pick.execute();
        while (pick.fetch()) candidates.push_back(id);
      }
      long long id = 0;
      soci::statement mark =
          (sql.prepare << "UPDATE " + table +
                              " SET status = 'P', claimed_by = :worker, claimed_at = CURRENT_TIMESTAMP,"
                              " attempts = COALESCE(attempts, 0) + 1 WHERE id = :id AND status = 'N'",
           soci::use(worker), soci::use(id));
      for (long long candidate : candidates) {
        id = candidate;
        mark.execute(true);
        if (mark.get_affected_rows() == 1) claimed_now.push_back(candidate);
      }
      tx.commit();
      return claimed_now;
    });
    return load_claimed(kind, claimed, worker);
  });
}

std::vector<ImageRow> SociRepository::load_claimed(ImageKind kind, const std::vector<long long>& ids,
                                                   const std::string& worker) {
  if (ids.empty()) return {};
  long long lo = ids.front(), hi = ids.back();
  auto rows = fetch_image_rows(conn_->sql(), kind,
                               fmt::format("SELECT {} FROM {} WHERE status = 'P' AND claimed_by = :worker AND id "
                                           "BETWEEN :lo AND :hi ORDER BY id",
                                           kImageRowColumns, table_name(kind)),
                               soci::use(worker), soci::use(lo), soci::use(hi));
  // The range may hold older claims of the same worker: keep this claim's rows.
  rows.erase(std::remove_if(rows.begin(), rows.end(),
                            [&](const ImageRow& r) { return !std::binary_search(ids.begin(), ids.end(), r.id); }),
             rows.end());
  return rows;
}

std::vector<ImageRow> SociRepository::peek_pending(ImageKind kind, std::size_t max_rows, std::int64_t after_id) {
  if (max_rows == 0) return {};
  const std::string table = table_name(kind);
  return conn_->guarded(fmt::format("read pending rows of {}", table), [&] {
    long long after = after_id;
    long long limit = to_ll(max_rows);
    return fetch_image_rows(conn_->sql(), kind,
                            fmt::format("SELECT {} FROM {} WHERE status = 'N' AND id > :after_id ORDER BY id "
                                        "LIMIT :max_rows",
                                        kImageRowColumns, table),
                            soci::use(after), soci::use(limit));
  });
}

void SociRepository::release(ImageKind kind, const std::vector<std::int64_t>& ids, const std::string& worker) {
  if (ids.empty()) return;
  const std::string table = table_name(kind);
  conn_->guarded(fmt::format("release claims of {}", table), [&] {
    conn_->retrying([&] {
      WriteTransaction tx(*conn_);
      long long id = 0;
      soci::statement st = (conn_->sql().prepare << "UPDATE " + table +
                                                        " SET status = 'N', claimed_by = NULL, claimed_at = NULL"
                                                        " WHERE id = :id AND claimed_by = :worker AND status = 'P'",
                            soci::use(id), soci::use(worker));
      for (std::int64_t each : ids) {
        id = each;
        st.execute(true);
      }
      tx.commit();
    });
  });
}

std::size_t SociRepository::commit_decisions(const std::vector<Decision>& decisions, const std::string& worker) {
  if (decisions.empty()) return 0;
  return conn_->guarded("commit decisions", [&] {
    return conn_->retrying([&] {
      auto& sql = conn_->sql();
      WriteTransaction tx(*conn_);
      // Bound by reference: each decision refills these and re-executes the
      // statements prepared once for the whole batch.
      std::string status, result, lan_id, kind_name, model_version, detail, started_at, finished_at, closest_lan_id;
      long long id = 0, benchmark_id = 0;
      int num_faces = 0;
      double accuracy = 0.0, distance = 0.0, closest_distance = 0.0;
      soci::indicator accuracy_ind = soci::i_null, distance_ind = soci::i_null, benchmark_ind = soci::i_null;
      soci::indicator started_ind = soci::i_null, finished_ind = soci::i_null;
      soci::indicator closest_lan_ind = soci::i_null, closest_distance_ind = soci::i_null;

      soci::statement update_stream =
          (sql.prepare
               << "UPDATE stream_img SET status = :status, result = :result, processed_time = CURRENT_TIMESTAMP,"
                  " num_faces = :num_faces, accuracy = :accuracy, distance = :distance,"
                  " benchmark_id = :benchmark_id, closest_lan_id = :closest_lan_id,"
                  " closest_distance = :closest_distance, claimed_by = NULL, claimed_at = NULL"
                  " WHERE id = :id AND claimed_by = :worker AND status = 'P'",
           soci::use(status), soci::use(result), soci::use(num_faces), soci::use(accuracy, accuracy_ind),
           soci::use(distance, distance_ind), soci::use(benchmark_id, benchmark_ind),
           soci::use(closest_lan_id, closest_lan_ind), soci::use(closest_distance, closest_distance_ind), soci::use(id),
           soci::use(worker));
      soci::statement update_train =
          (sql.prepare << "UPDATE train_img SET status = :status, result = :result, processed_time = CURRENT_TIMESTAMP,"
                          " num_faces = :num_faces, claimed_by = NULL, claimed_at = NULL"
                          " WHERE id = :id AND claimed_by = :worker AND status = 'P'",
           soci::use(status), soci::use(result), soci::use(num_faces), soci::use(id), soci::use(worker));
      soci::statement audit =
          (sql.prepare << "INSERT INTO process_status (image_kind, image_id, lan_id, status, result, num_faces,"
                          " distance, accuracy, benchmark_id, model_version, worker, started_at, finished_at, detail)"
                          " VALUES (:image_kind, :image_id, :lan_id, :status, :result, :num_faces, :distance,"
                          " :accuracy, :benchmark_id, :model_version, :worker, :started_at, :finished_at, :detail)",
           soci::use(kind_name), soci::use(id), soci::use(lan_id), soci::use(status), soci::use(result),
           soci::use(num_faces), soci::use(distance, distance_ind), soci::use(accuracy, accuracy_ind),
           soci::use(benchmark_id, benchmark_ind), soci::use(model_version), soci::use(worker),
           soci::use(started_at, started_ind), soci::use(finished_at, finished_ind), soci::use(detail));

      std::size_t updated = 0;
      for (const Decision& d : decisions) {
        id = d.id;
        status = std::string(1, static_cast<char>(d.status()));
        result = std::string(result_code_name(d.result));
        num_faces = d.num_faces;
        accuracy = d.accuracy.value_or(0.0);
        accuracy_ind = ind_of(d.accuracy.has_value());
        distance = d.distance.value_or(0.0);
        distance_ind = ind_of(d.distance.has_value());
        benchmark_id = d.benchmark_id.value_or(0);
        benchmark_ind = ind_of(d.benchmark_id.has_value());
        closest_lan_id = d.closest_lan_id.value_or("");
        closest_lan_ind = ind_of(d.closest_lan_id.has_value());
        closest_distance = d.closest_distance.value_or(0.0);
        closest_distance_ind = ind_of(d.closest_distance.has_value());
        soci::statement& update = d.kind == ImageKind::Stream ? update_stream : update_train;
        update.execute(true);
        const bool recorded = update.get_affected_rows() == 1;
        if (recorded) ++updated;

        kind_name = std::string(image_kind_name(d.kind));
        lan_id = d.lan_id;
        model_version = d.model_version;
        detail = recorded
                     ? d.detail
                     : fmt::format("verdict not recorded: the row was no longer claimed by this worker. {}", d.detail);
        const auto started = utc_text(d.started_at), finished = utc_text(d.finished_at);
        started_at = started.value_or("");
        started_ind = ind_of(started.has_value());
        finished_at = finished.value_or("");
        finished_ind = ind_of(finished.has_value());
        audit.execute(true);

        if (recorded && d.kind == ImageKind::Train && d.encoding) upsert_encoding(*d.encoding);
      }
      tx.commit();
      return updated;
    });
  });
}

}  // namespace biosense::storage

namespace biosense {

std::unique_ptr<Repository> open_repository(const std::string& url) {
  return std::make_unique<storage::SociRepository>(storage::open_current_schema(url));
}

}  // namespace biosense
