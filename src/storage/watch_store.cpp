/// The watch's queries (include/biosense/storage/alerts.hpp) over SOCI:
/// snapshots by agent and window, photos one at a time, and the alert table
/// with its de-duplication. Every value is bound with soci::use.
#include <soci/soci.h>

#include <algorithm>
#include <charconv>
#include <set>

#include <fmt/format.h>

#include "biosense/storage/alerts.hpp"
#include "biosense/storage/migrations.hpp"
#include "connection.hpp"
#include "encoding_blob.hpp"

namespace biosense {

std::string_view alert_kind_name(AlertKind kind) {
  switch (kind) {
    case AlertKind::Impersonation: return "IMPERSONATION";
    case AlertKind::ReplayedImage: return "REPLAYED_IMAGE";
    case AlertKind::FrozenFeed: return "FROZEN_FEED";
    case AlertKind::Absent: return "ABSENT";
    case AlertKind::Substituted: return "SUBSTITUTED";
    case AlertKind::NoData: return "NO_DATA";
  }
  return "IMPERSONATION";  // unreachable: every enumerator is handled above
}

std::optional<AlertKind> parse_alert_kind(std::string_view name) {
  for (AlertKind kind : kAllAlertKinds)
    if (alert_kind_name(kind) == name) return kind;
  return std::nullopt;
}

std::string format_evidence_ids(const std::vector<std::int64_t>& ids) {
  std::string out;
  for (std::int64_t id : ids) {
    if (!out.empty()) out += ',';
    out += std::to_string(id);
  }
  return out;
}

std::vector<std::int64_t> parse_evidence_ids(std::string_view text) {
  std::vector<std::int64_t> ids;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string_view item = text.substr(pos, comma - pos);
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), id);
    if (ec == std::errc() && end == item.data() + item.size() && id > 0) ids.push_back(id);
    pos = comma + 1;
  }
  return ids;
}

namespace storage {
namespace {

Status status_from_text(const std::string& text, soci::indicator ind) {
  if (ind != soci::i_ok || text.size() != 1) return Status::Failed;
  return text[0] == 'Y' ? Status::Done : Status::Failed;
}

/// The newest kMaxEvidenceIds of the union of `a` and `b`, ascending.
std::vector<std::int64_t> merge_evidence(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
  std::set<std::int64_t> all(a.begin(), a.end());
  all.insert(b.begin(), b.end());
  std::vector<std::int64_t> merged(all.begin(), all.end());
  if (merged.size() > kMaxEvidenceIds)
    merged.erase(merged.begin(), merged.end() - static_cast<std::ptrdiff_t>(kMaxEvidenceIds));
  return merged;
}

class SociWatchStore final : public WatchStore {
 public:
  explicit SociWatchStore(std::unique_ptr<Connection> conn) : conn_(std::move(conn)) {}

  std::string now() override {
    return conn_->guarded("read the database clock", [&] {
      std::string now;
      conn_->sql() << "SELECT CAST(CURRENT_TIMESTAMP AS CHAR)", soci::into(now);
      return now.substr(0, 19);
    });
  }

  std::vector<std::string> agents_between(const std::string& from, const std::string& to) override {
    return conn_->guarded("list agents with snapshots", [&] {
      std::vector<std::string> agents;
      std::string lan_id;
      soci::statement st = (conn_->sql().prepare << "SELECT DISTINCT lan_id FROM stream_img WHERE capture_time > :from"
                                                    " AND capture_time <= :to AND lan_id IS NOT NULL ORDER BY lan_id",
                            soci::into(lan_id), soci::use(from), soci::use(to));
      st.execute();
      while (st.fetch()) agents.push_back(lan_id);
      return agents;
    });
  }

  std::vector<SnapshotInfo> decided_snapshots(const std::string& lan_id, const std::string& from,
                                              const std::string& to) override {
    return conn_->guarded("read an agent's decided snapshots", [&] {
      std::vector<SnapshotInfo> rows;
      long long id = 0;
      std::string time, status, result;
      soci::indicator status_ind = soci::i_ok, result_ind = soci::i_ok;
      soci::statement st =
          (conn_->sql().prepare << "SELECT id, capture_time, status, result FROM stream_img WHERE lan_id = :lan_id"
                                   " AND capture_time > :from AND capture_time <= :to AND status IN ('Y', 'F')"
                                   " ORDER BY capture_time, id",
           soci::into(id), soci::into(time), soci::into(status, status_ind), soci::into(result, result_ind),
           soci::use(lan_id), soci::use(from), soci::use(to));
      st.execute();
      while (st.fetch()) {
        SnapshotInfo info;
        info.id = id;
        info.lan_id = lan_id;
        info.capture_time = time.substr(0, 19);
        info.status = status_from_text(status, status_ind);
        if (result_ind == soci::i_ok) info.result = parse_result_code(result);
        rows.push_back(std::move(info));
      }
      return rows;
    });
  }

  std::optional<Bytes> snapshot_image(std::int64_t id) override {
    return conn_->guarded("read a snapshot", [&]() -> std::optional<Bytes> {
      long long row_id = id;
      std::string image;
      soci::indicator ind = soci::i_ok;
      soci::statement st = (conn_->sql().prepare << "SELECT image FROM stream_img WHERE id = :id",
                            soci::into(image, ind), soci::use(row_id));
      if (!st.execute(true) || ind != soci::i_ok) return std::nullopt;
      return string_to_bytes(image);
    });
  }

  AlertWrite record_alert(const AlertRecord& alert) override {
    return conn_->guarded("record an alert", [&] {
      return conn_->retrying([&] {
        AlertLock lock(*conn_);
        WriteTransaction tx(*conn_);
        auto& sql = conn_->sql();
        const std::string kind(alert_kind_name(alert.kind));
        long long id = 0;
        std::string start, end, evidence;
        soci::statement find =
            (sql.prepare << "SELECT id, window_start, window_end, evidence_ids FROM alert WHERE lan_id = :lan_id"
                            " AND kind = :kind AND acknowledged_at IS NULL AND window_start <= :new_end"
                            " AND window_end >= :new_start ORDER BY window_end DESC, id DESC LIMIT 1",
             soci::into(id), soci::into(start), soci::into(end), soci::into(evidence), soci::use(alert.lan_id),
             soci::use(kind), soci::use(alert.window_end), soci::use(alert.window_start));
        AlertWrite written;
        if (find.execute(true)) {
          const std::string new_start = std::min(start.substr(0, 19), alert.window_start);
          const std::string new_end = std::max(end.substr(0, 19), alert.window_end);
          const std::string merged =
              format_evidence_ids(merge_evidence(parse_evidence_ids(evidence), alert.evidence_ids));
          sql << "UPDATE alert SET window_start = :start, window_end = :end, evidence_ids = :evidence,"
                 " scores = :scores, detail = :detail, runs = runs + 1, updated_at = CURRENT_TIMESTAMP WHERE id = :id",
              soci::use(new_start), soci::use(new_end), soci::use(merged), soci::use(alert.scores),
              soci::use(alert.detail), soci::use(id);
          written.id = id;
        } else {
          const std::string ids = format_evidence_ids(merge_evidence({}, alert.evidence_ids));
          sql << "INSERT INTO alert (lan_id, kind, window_start, window_end, evidence_ids, scores, detail, runs,"
                 " created_at) VALUES (:lan_id, :kind, :start, :end, :evidence, :scores, :detail, 1,"
                 " CURRENT_TIMESTAMP)",
              soci::use(alert.lan_id), soci::use(kind), soci::use(alert.window_start), soci::use(alert.window_end),
              soci::use(ids), soci::use(alert.scores), soci::use(alert.detail);
          long long new_id = 0;
          if (!sql.get_last_insert_id("alert", new_id))
            throw std::runtime_error("the backend did not report the new alert's id");
          written.inserted = true;
          written.id = new_id;
        }
        tx.commit();
        return written;
      });
    });
  }

  std::vector<AlertRecord> open_alerts(const std::optional<std::string>& lan_id) override {
    return conn_->guarded("list open alerts", [&] {
      std::vector<AlertRecord> alerts;
      long long id = 0;
      int runs = 0;
      std::string lan, kind, start, end, evidence, scores, detail, created;
      soci::indicator scores_ind = soci::i_ok, detail_ind = soci::i_ok;
      const std::string wanted = lan_id.value_or("");
      int every_agent = lan_id ? 0 : 1;
      soci::statement st =
          (conn_->sql().prepare << "SELECT id, lan_id, kind, window_start, window_end, evidence_ids, scores, detail,"
                                   " runs, created_at FROM alert WHERE acknowledged_at IS NULL AND (:every_agent = 1"
                                   " OR lan_id = :lan_id) ORDER BY window_end DESC, id DESC",
           soci::into(id), soci::into(lan), soci::into(kind), soci::into(start), soci::into(end), soci::into(evidence),
           soci::into(scores, scores_ind), soci::into(detail, detail_ind), soci::into(runs), soci::into(created),
           soci::use(every_agent), soci::use(wanted));
      st.execute();
      while (st.fetch()) {
        const auto parsed = parse_alert_kind(kind);
        if (!parsed) continue;  // a kind written by a newer biosense
        AlertRecord a;
        a.id = id;
        a.lan_id = lan;
        a.kind = *parsed;
        a.window_start = start.substr(0, 19);
        a.window_end = end.substr(0, 19);
        a.evidence_ids = parse_evidence_ids(evidence);
        if (scores_ind == soci::i_ok) a.scores = scores;
        if (detail_ind == soci::i_ok) a.detail = detail;
        a.runs = runs;
        a.created_at = created.substr(0, 19);
        alerts.push_back(std::move(a));
      }
      return alerts;
    });
  }

  bool acknowledge_alert(std::int64_t id, const std::string& by) override {
    return conn_->guarded("acknowledge an alert", [&] {
      long long row_id = id;
      soci::statement st = (conn_->sql().prepare << "UPDATE alert SET acknowledged_by = :by, acknowledged_at ="
                                                    " CURRENT_TIMESTAMP WHERE id = :id AND acknowledged_at IS NULL",
                            soci::use(by), soci::use(row_id));
      st.execute(true);
      return st.get_affected_rows() == 1;
    });
  }

 private:
  /// MariaDB runs READ COMMITTED (no gap locks), so two watches could both
  /// miss each other's new alert; a named lock serialises record_alert.
  /// SQLite's BEGIN IMMEDIATE already does.
  class AlertLock {
   public:
    explicit AlertLock(Connection& conn) : conn_(conn) {
      if (conn_.dialect() != Dialect::MySql) return;
      int got = 0;
      soci::indicator ind = soci::i_ok;
      conn_.sql() << "SELECT GET_LOCK(CONCAT('biosense_alert.', DATABASE()), 30)", soci::into(got, ind);
      if (ind != soci::i_ok || got != 1) throw std::runtime_error("timed out waiting for the alert lock");
      held_ = true;
    }
    ~AlertLock() {
      if (!held_) return;
      try {
        int released = 0;
        soci::indicator ind = soci::i_ok;
        conn_.sql() << "SELECT RELEASE_LOCK(CONCAT('biosense_alert.', DATABASE()))", soci::into(released, ind);
      } catch (const std::exception&) {
        // The server releases a named lock when the connection closes anyway.
      }
    }
    AlertLock(const AlertLock&) = delete;
    AlertLock& operator=(const AlertLock&) = delete;

   private:
    Connection& conn_;
    bool held_ = false;
  };

  std::unique_ptr<Connection> conn_;
};

}  // namespace
}  // namespace storage

std::unique_ptr<WatchStore> open_watch_store(const std::string& url) {
  return std::make_unique<storage::SociWatchStore>(storage::open_current_schema(url));
}

}  // namespace biosense
