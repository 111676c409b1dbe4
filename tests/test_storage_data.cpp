/// Data fidelity: hostile lan_ids stored and read back verbatim, and photos as
/// arbitrary binary (NUL bytes, every byte value, 5 MB, empty, NULL).
#include <soci/soci.h>

#include <catch2/catch.hpp>

#include "storage/connection.hpp"
#include "support/storage_backend.hpp"

using namespace biosense;
using biosense::test::Backend;
using biosense::test::SqlBackend;

namespace {

Bytes every_byte_value() {
  Bytes b;
  for (int i = 0; i < 256; ++i) b.push_back(static_cast<std::uint8_t>(i));
  return b;
}

/// 5 MB of deterministic noise with plenty of NULs, quotes and backslashes.
Bytes big_photo() {
  Bytes b(5u * 1024u * 1024u);
  std::uint32_t x = 2463534242u;
  for (auto& byte : b) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    byte = static_cast<std::uint8_t>(x & 0xFFu);
  }
  for (std::size_t i = 0; i < b.size(); i += 4096) b[i] = 0;
  return b;
}

}  // namespace

REPOSITORY_TEST("hostile lan_ids are stored and read back verbatim", "[data]") {
  Repository& repo = backend.open();
  const auto lan_ids = test::hostile_lan_ids();
  std::vector<std::int64_t> stream_ids, train_ids;
  for (const auto& lan : lan_ids) {
    stream_ids.push_back(repo.insert_image(ImageKind::Stream, lan, Bytes{1}, "2024-05-06 07:08:09"));
    train_ids.push_back(repo.insert_image(ImageKind::Train, lan, Bytes{2}, "2024-05-06 07:08:09"));
  }
  const auto peeked = repo.peek_pending(ImageKind::Stream, 100, 0);
  REQUIRE(peeked.size() == lan_ids.size());
  for (std::size_t i = 0; i < lan_ids.size(); ++i) {
    INFO("lan_id #" << i);
    CHECK(peeked[i].lan_id == lan_ids[i]);
    CHECK(backend.row(ImageKind::Stream, stream_ids[i]).lan_id == lan_ids[i]);
    const auto newest = repo.newest_train_image(lan_ids[i]);
    REQUIRE(newest);
    CHECK(newest->id == train_ids[i]);  // no two of them collide
    CHECK(newest->lan_id == lan_ids[i]);
  }
  const auto claimed = repo.claim(ImageKind::Stream, 100, stream_ids.back(), "host:1");
  REQUIRE(claimed.size() == lan_ids.size());
  std::vector<Decision> decisions;
  for (const auto& row : claimed) {
    Decision d;
    d.kind = ImageKind::Stream;
    d.id = row.id;
    d.lan_id = row.lan_id;
    d.result = ResultCode::UnknownPerson;
    d.detail = row.lan_id;  // hostile text in the audit trail too
    decisions.push_back(d);
  }
  CHECK(repo.commit_decisions(decisions, "host:1") == lan_ids.size());
  for (std::size_t i = 0; i < lan_ids.size(); ++i) {
    ReprocessFilter f;
    f.lan_id = lan_ids[i];
    CHECK(repo.select_for_reprocess(f) == std::vector<std::int64_t>{stream_ids[i]});
    CHECK(backend.audit_details(ImageKind::Stream, stream_ids[i]) == std::vector<std::string>{lan_ids[i]});
  }
}

REPOSITORY_TEST("photos round-trip as binary: every byte, 5 MB, empty and NULL", "[data][blob]") {
  Repository& repo = backend.open();
  const Bytes all = every_byte_value();
  const Bytes big = big_photo();
  const auto all_id = repo.insert_image(ImageKind::Stream, "a", all, "");
  const auto big_id = repo.insert_image(ImageKind::Stream, "a", big, "");
  const auto empty_id = repo.insert_image(ImageKind::Stream, "a", Bytes{}, "");
  const auto null_id = backend.add_row(ImageKind::Stream, "a", Status::Pending, std::nullopt);
  const auto train_id = repo.insert_image(ImageKind::Train, "a", big, "");

  const auto rows = repo.claim(ImageKind::Stream, 10, null_id, "host:1");
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].id == all_id);
  REQUIRE(rows[0].image);
  CHECK(*rows[0].image == all);
  CHECK(rows[1].id == big_id);
  REQUIRE(rows[1].image);
  CHECK(rows[1].image->size() == big.size());
  CHECK(*rows[1].image == big);
  CHECK(rows[2].id == empty_id);
  REQUIRE(rows[2].image);
  CHECK(rows[2].image->empty());
  CHECK(rows[3].id == null_id);
  CHECK_FALSE(rows[3].image);

  const auto train = repo.load_train_image(train_id);
  REQUIRE(train);
  REQUIRE(train->image);
  CHECK(*train->image == big);
  const auto peek_null = repo.peek_pending(ImageKind::Stream, 10, 0);
  CHECK(peek_null.empty());  // all claimed
}

SQL_BACKEND_TEST("photos are stored as BLOBs of the right length", "[data][blob]") {
  backend.migrate();
  Repository& repo = backend.open();
  const auto id = repo.insert_image(ImageKind::Stream, "a", every_byte_value(), "");
  long long length = 0, row_id = id;
  backend.raw().sql() << "SELECT LENGTH(image) FROM stream_img WHERE id = :id", soci::use(row_id), soci::into(length);
  CHECK(length == 256);  // a TEXT binding would stop at the first NUL
  if (!backend.is_mariadb()) {
    std::string type;
    backend.raw().sql() << "SELECT typeof(image) FROM stream_img WHERE id = :id", soci::use(row_id), soci::into(type);
    CHECK(type == "blob");
  }
  std::string hex;
  backend.raw().sql() << "SELECT lower(hex(image)) FROM stream_img WHERE id = :id", soci::use(row_id), soci::into(hex);
  CHECK(hex.substr(0, 12) == "000102030405");
  CHECK(hex.substr(hex.size() - 6) == "fdfeff");
}
