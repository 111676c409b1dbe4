/// Repository::load_gallery (the gallery check's one read) and the gallery
/// columns commit_decisions writes, run the same way against SQLite, MariaDB
/// and the in-memory fake.
#include <catch2/catch.hpp>

#include "support/storage_backend.hpp"

using namespace biosense;
using biosense::test::Backend;

namespace {

Encoding encoding_of(float seed) {
  Encoding e{};
  for (std::size_t i = 0; i < e.size(); ++i) e[i] = seed + static_cast<float>(i) / 1000.0f;
  return e;
}

/// An approved training image of `lan_id` with an encoding of `version` cached.
std::int64_t enrolled(Backend& backend, Repository& repo, const std::string& lan_id, float seed,
                      const std::string& version = "v1") {
  const auto id = backend.add_row(ImageKind::Train, lan_id, Status::Done);
  StoredEncoding e;
  e.train_img_id = id;
  e.model_version = version;
  e.encoding = encoding_of(seed);
  repo.save_encoding(e);
  return id;
}

}  // namespace

REPOSITORY_TEST("load_gallery: each agent's newest approved benchmark with a cached encoding", "[gallery]") {
  Repository& repo = backend.open();
  CHECK(repo.load_gallery("v1").empty());

  enrolled(backend, repo, "NA\\one", 0.1f);
  const auto one = enrolled(backend, repo, "NA\\one", 0.2f);  // re-enrolled: the newer one
  const auto two = enrolled(backend, repo, "NA\\two", 0.3f);
  backend.add_row(ImageKind::Train, "NA\\two", Status::Failed);   // a newer failed photo: the approved one stays
  backend.add_row(ImageKind::Train, "NA\\two", Status::Pending);  // and a pending one
  enrolled(backend, repo, "NA\\three", 0.4f);
  backend.add_row(ImageKind::Train, "NA\\three", Status::Done);  // newest approved, not encoded yet: left out
  backend.add_row(ImageKind::Train, "NA\\four", Status::Pending);
  const auto five = enrolled(backend, repo, "NA\\five", 0.5f, "v2");  // another encoding version only
  const auto hostile = test::hostile_lan_ids();
  std::vector<std::int64_t> hostile_ids;
  for (std::size_t i = 0; i < hostile.size(); ++i)
    hostile_ids.push_back(enrolled(backend, repo, hostile[i], 0.6f + static_cast<float>(i)));

  const auto gallery = repo.load_gallery("v1");
  REQUIRE(gallery.size() == 2 + hostile.size());
  CHECK(gallery[0].lan_id == "NA\\one");
  CHECK(gallery[0].train_img_id == one);
  CHECK(gallery[0].encoding == encoding_of(0.2f));
  CHECK(gallery[1].lan_id == "NA\\two");
  CHECK(gallery[1].train_img_id == two);
  CHECK(gallery[1].encoding == encoding_of(0.3f));
  for (std::size_t i = 0; i < hostile.size(); ++i) {  // ascending train_img id; lan_ids verbatim
    INFO("hostile lan_id #" << i);
    CHECK(gallery[2 + i].lan_id == hostile[i]);
    CHECK(gallery[2 + i].train_img_id == hostile_ids[i]);
    CHECK(gallery[2 + i].encoding == encoding_of(0.6f + static_cast<float>(i)));
  }
  const auto v2 = repo.load_gallery("v2");
  REQUIRE(v2.size() == 1);
  CHECK(v2[0].lan_id == "NA\\five");
  CHECK(v2[0].train_img_id == five);
  CHECK(repo.load_gallery("v3").empty());
}

REPOSITORY_TEST("load_gallery: a benchmark approved by a commit joins the gallery", "[gallery][commit]") {
  Repository& repo = backend.open();
  const auto train = backend.add_row(ImageKind::Train, "NA\\new", Status::Pending);
  REQUIRE(repo.claim_train_image(train, "host:1"));
  CHECK(repo.load_gallery("v1").empty());  // not approved yet
  Decision d;
  d.kind = ImageKind::Train;
  d.id = train;
  d.lan_id = "NA\\new";
  d.result = ResultCode::Success;
  d.num_faces = 1;
  d.model_version = "v1";
  d.encoding = StoredEncoding{train, "v1", encoding_of(0.7f), FaceBox{1, 2, 101, 102}, 50.0, 0.3};
  REQUIRE(repo.commit_decisions({d}, "host:1") == 1);
  const auto gallery = repo.load_gallery("v1");
  REQUIRE(gallery.size() == 1);
  CHECK(gallery[0].lan_id == "NA\\new");
  CHECK(gallery[0].train_img_id == train);
  CHECK(gallery[0].encoding == encoding_of(0.7f));
}

REPOSITORY_TEST("commit writes the closest other agent of a snapshot, or NULL", "[gallery][commit]") {
  Repository& repo = backend.open();
  const auto checked = backend.add_row(ImageKind::Stream, "NA\\agent", Status::Pending);
  const auto unchecked = backend.add_row(ImageKind::Stream, "NA\\agent", Status::Pending);
  repo.claim(ImageKind::Stream, 2, unchecked, "host:1");
  Decision d;
  d.kind = ImageKind::Stream;
  d.id = checked;
  d.lan_id = "NA\\agent";
  d.result = ResultCode::UnknownPerson;
  d.num_faces = 1;
  d.distance = 0.45;
  d.benchmark_id = 3;
  d.closest_lan_id = test::hostile_lan_ids()[3];  // quotes survive
  d.closest_distance = 0.125;
  Decision plain = d;
  plain.id = unchecked;
  plain.result = ResultCode::Success;
  plain.closest_lan_id.reset();
  plain.closest_distance.reset();
  REQUIRE(repo.commit_decisions({d, plain}, "host:1") == 2);
  const auto row = backend.row(ImageKind::Stream, checked);
  CHECK(row.result == std::optional<std::string>("UNKNOWN_PERSON"));
  CHECK(row.closest_lan_id == test::hostile_lan_ids()[3]);
  REQUIRE(row.closest_distance);
  CHECK(*row.closest_distance == Approx(0.125));
  const auto other = backend.row(ImageKind::Stream, unchecked);
  CHECK_FALSE(other.closest_lan_id);
  CHECK_FALSE(other.closest_distance);

  // Decided again without the check (reprocess --no-gallery-check): the old values go.
  REQUIRE(repo.reset_to_pending(ImageKind::Stream, {checked}) == 1);
  repo.claim(ImageKind::Stream, 1, checked, "host:1");
  plain.id = checked;
  REQUIRE(repo.commit_decisions({plain}, "host:1") == 1);
  CHECK_FALSE(backend.row(ImageKind::Stream, checked).closest_lan_id);
  CHECK_FALSE(backend.row(ImageKind::Stream, checked).closest_distance);
}
