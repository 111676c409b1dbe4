#pragma once
/// Reading image rows with SOCI: the column list, the into-buffers and the
/// fetch loop shared by claim, peek and the train lookups.
#include <soci/soci.h>

#include <string>
#include <vector>

#include "biosense/storage/records.hpp"
#include "encoding_blob.hpp"

namespace biosense::storage {

/// The columns every ImageRow query selects, in ImageRowBuffer's order.
inline constexpr const char* kImageRowColumns = "id, lan_id, capture_time, image, attempts";

/// Into-targets for kImageRowColumns. Legacy rows may hold NULL anywhere.
struct ImageRowBuffer {
  long long id = 0;
  std::string lan_id;
  std::string capture_time;
  std::string image;
  int attempts = 0;
  soci::indicator lan_ind = soci::i_ok;
  soci::indicator time_ind = soci::i_ok;
  soci::indicator image_ind = soci::i_ok;
  soci::indicator attempts_ind = soci::i_ok;

  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(lan_id, lan_ind));
    st.exchange(soci::into(capture_time, time_ind));
    st.exchange(soci::into(image, image_ind));
    st.exchange(soci::into(attempts, attempts_ind));
  }

  ImageRow take(ImageKind kind) {
    ImageRow row;
    row.kind = kind;
    row.id = id;
    if (lan_ind == soci::i_ok) row.lan_id = lan_id;
    if (time_ind == soci::i_ok) row.capture_time = capture_time;
    if (image_ind == soci::i_ok) row.image = string_to_bytes(image);
    row.attempts = attempts_ind == soci::i_ok ? attempts : 0;
    image.clear();
    image.shrink_to_fit();  // do not keep the last photo alive in the buffer
    return row;
  }
};

/// A status read from the database. NULL reads as Pending, as migration 002
/// would have set it. Anything else the contract does not define (a legacy
/// value) reads as Failed: it then surfaces as a visible verdict instead of
/// leaving snapshots waiting for a benchmark that never comes.
inline Status parse_status(const std::string& text, soci::indicator ind) {
  if (ind == soci::i_null) return Status::Pending;
  if (ind != soci::i_ok || text.size() != 1) return Status::Failed;
  switch (text[0]) {
    case 'N': return Status::Pending;
    case 'P': return Status::Claimed;
    case 'Y': return Status::Done;
    case 'F': return Status::Failed;
    default: return Status::Failed;
  }
}

/// Runs `query` (which selects kImageRowColumns) with `uses` bound in order
/// and returns every row.
template <class... Uses>
std::vector<ImageRow> fetch_image_rows(soci::session& sql, ImageKind kind, const std::string& query, Uses&&... uses) {
  ImageRowBuffer buffer;
  soci::statement st(sql);
  buffer.bind(st);
  (st.exchange(std::forward<Uses>(uses)), ...);
  st.alloc();
  st.prepare(query);
  st.define_and_bind();
  st.execute();
  std::vector<ImageRow> rows;
  while (st.fetch()) rows.push_back(buffer.take(kind));
  return rows;
}

}  // namespace biosense::storage
