/// One row at a time, for the queue consumers and `publish`: claim a row by
/// id, list pending ids. Every value is bound; table names come from table_name().
#include <soci/soci.h>

#include <fmt/format.h>

#include "row_reader.hpp"
#include "soci_repository.hpp"

namespace biosense::storage {

SingleClaim SociRepository::claim_one(ImageKind kind, std::int64_t id, const std::string& worker) {
  const std::string table = table_name(kind);
  return conn_->guarded(fmt::format("claim one row of {}", table), [&] {
    auto& sql = conn_->sql();
    long long row_id = id;
    // The same claim as claim(): on MariaDB the UPDATE locks the row, so a
    // pass's FOR UPDATE SKIP LOCKED skips it and its own UPDATE ... AND
    // status = 'N' finds it taken; on SQLite BEGIN IMMEDIATE serialises.
    const bool claimed = conn_->retrying([&] {
      WriteTransaction tx(*conn_);
      soci::statement mark =
          (sql.prepare << "UPDATE " + table +
                              " SET status = 'P', claimed_by = :worker, claimed_at = CURRENT_TIMESTAMP,"
                              " attempts = COALESCE(attempts, 0) + 1 WHERE id = :id AND (status = 'N'"
                              " OR (status = 'P' AND claimed_by = :worker2))",
           soci::use(worker), soci::use(row_id), soci::use(worker));
      mark.execute(true);
      const bool ok = mark.get_affected_rows() == 1;
      tx.commit();
      return ok;
    });
    SingleClaim c;
    if (claimed) {
      auto rows = load_claimed(kind, {row_id}, worker);
      if (rows.empty()) {  // taken back between the two statements (lease expired): someone else's now
        c.outcome = SingleClaim::Outcome::Busy;
        c.status = Status::Claimed;
        return c;
      }
      c.outcome = SingleClaim::Outcome::Claimed;
      c.status = Status::Claimed;
      c.row = std::move(rows.front());
      return c;
    }
    std::string status, result, holder;
    soci::indicator status_ind = soci::i_ok, result_ind = soci::i_ok, holder_ind = soci::i_ok;
    soci::statement st = (sql.prepare << "SELECT status, result, claimed_by FROM " + table + " WHERE id = :id",
                          soci::into(status, status_ind), soci::into(result, result_ind),
                          soci::into(holder, holder_ind), soci::use(row_id));
    if (!st.execute(true)) return c;  // Missing
    if (status_ind == soci::i_ok && status == "P") {
      c.outcome = SingleClaim::Outcome::Busy;
      c.status = Status::Claimed;
      if (holder_ind == soci::i_ok) c.holder = holder;
      return c;
    }
    // Y or F (or a legacy value, read as parse_status does): nothing to do.
    c.outcome = SingleClaim::Outcome::Decided;
    c.status = parse_status(status, status_ind);
    if (result_ind == soci::i_ok) c.result = result;
    return c;
  });
}

std::vector<std::int64_t> SociRepository::pending_ids(ImageKind kind, std::int64_t after_id, std::size_t max_rows) {
  if (max_rows == 0) return {};
  const std::string table = table_name(kind);
  return conn_->guarded(fmt::format("list pending ids of {}", table), [&] {
    long long after = after_id;
    long long limit = static_cast<long long>(std::min<std::size_t>(max_rows, 1000000));
    long long id = 0;
    std::vector<std::int64_t> ids;
    soci::statement st = (conn_->sql().prepare << "SELECT id FROM " + table +
                                                      " WHERE status = 'N' AND id > :after_id ORDER BY id"
                                                      " LIMIT :max_rows",
                          soci::into(id), soci::use(after), soci::use(limit));
    st.execute();
    while (st.fetch()) ids.push_back(id);
    return ids;
  });
}

}  // namespace biosense::storage
