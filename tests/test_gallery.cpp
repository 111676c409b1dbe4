/// The gallery check (docs/pass.md, "The gallery check"): the gallery's
/// nearest-other search, decide_stream() with hand-made galleries, and when
/// GalleryCache reads the gallery again.
#include <catch2/catch.hpp>

#include "biosense/pass/decide.hpp"
#include "biosense/pass/gallery.hpp"
#include "biosense/pass/gallery_cache.hpp"
#include "support/fake_engine.hpp"
#include "support/memory_repository.hpp"
#include "support/random_encoding.hpp"

using namespace biosense;
using biosense::test::encoding_at;
using biosense::test::MemoryRepository;
using biosense::test::random_unit_encoding;

namespace {

/// An encoding at (x, y, 0, ...): distances are easy to work out by hand.
Encoding at(float x, float y = 0.0f) {
  Encoding e = encoding_at(x);
  e[1] = y;
  return e;
}

/// What a snapshot showing `faces` (at these encodings) looks like to decide_stream.
AnalysisResult faces_at(std::initializer_list<Encoding> encodings) {
  FaceAnalysis analysis;
  for (const auto& e : encodings) {
    Face f;
    f.box = FaceBox{10, 10, 109, 109};
    f.encoding = e;
    analysis.faces.push_back(f);
  }
  return analysis;
}

Benchmark benchmark_at(const Encoding& e, std::int64_t train_img_id = 1) {
  Benchmark b;
  b.state = Benchmark::State::Ready;
  b.train_img_id = train_img_id;
  b.encoding = e;
  return b;
}

struct DecideFixture {
  std::unique_ptr<Calibration> calibration = make_provisional_calibration();
  DecisionPolicy policy;
  const ImageRow row{ImageKind::Stream, 42, "NA\\agent", "", std::nullopt, 1};
  Decision decide(const AnalysisResult& analysis, const Gallery* gallery, const Benchmark& benchmark) {
    return decide_stream(row, benchmark, &analysis, policy, *calibration, gallery);
  }
  Decision decide(const AnalysisResult& analysis, const Gallery* gallery) {
    return decide(analysis, gallery, benchmark_at(at(0.0f)));
  }
};

}  // namespace

TEST_CASE("the gallery finds the closest other agent, exactly, and skips the claimed one", "[gallery]") {
  Gallery g(kModelVersion, {{"a", 1, at(0.0f)}, {"b", 2, at(0.3f)}, {"c", 3, at(0.0f, 0.2f)}});
  REQUIRE(g.size() == 3);
  CHECK(g.encoding_version() == kModelVersion);
  auto m = g.closest_other(at(0.05f), "nobody", 0);
  REQUIRE(m);
  CHECK(m->lan_id == "a");
  CHECK(m->train_img_id == 1);
  CHECK(m->distance == face_distance(at(0.05f), at(0.0f)));  // measured exactly, not from the float scores
  m = g.closest_other(at(0.05f), "a", 0);
  REQUIRE(m);
  CHECK(m->lan_id == "c");  // sqrt(0.05^2 + 0.2^2) < 0.25
  // The claimed agent's benchmark is left out by its id too (its lan_id
  // spelt another way by a case-insensitive legacy table).
  m = g.closest_other(at(0.05f), "A", 1);
  REQUIRE(m);
  CHECK(m->lan_id == "c");
  CHECK_FALSE(Gallery(kModelVersion, {{"a", 1, at(0.0f)}}).closest_other(at(0.1f), "a", 1));
  CHECK_FALSE(Gallery(kModelVersion).closest_other(at(0.1f), "a", 1));
}

TEST_CASE("the gallery keeps one entry per agent, the newest training image", "[gallery]") {
  Gallery g(kModelVersion, {{"a", 5, at(0.0f)}, {"a", 3, at(0.9f)}});  // the older one is ignored
  CHECK(g.size() == 1);
  CHECK_FALSE(g.put({"a", 4, at(0.9f)}));
  CHECK_FALSE(g.put({"a", 5, at(0.9f)}));
  CHECK(g.closest_other(at(0.0f), "x", 0)->distance == 0.0);
  CHECK(g.put({"a", 6, at(0.9f)}));  // re-enrolled: the new benchmark replaces the old
  CHECK(g.size() == 1);
  const auto m = g.closest_other(at(0.0f), "x", 0);
  CHECK(m->train_img_id == 6);
  CHECK(m->distance == Approx(0.9));
}

TEST_CASE("the gallery's matrix search agrees with a plain loop over 1,000 random agents", "[gallery]") {
  std::mt19937 rng(16);
  std::vector<GalleryEntry> entries;
  Gallery grown(kModelVersion);  // filled one put() at a time: its matrix is laid out again as it grows
  for (int i = 0; i < 1000; ++i) {
    entries.push_back({"agent" + std::to_string(i), i + 1, random_unit_encoding(rng)});
    grown.put(entries.back());
  }
  const Gallery g(kModelVersion, entries);
  REQUIRE(g.size() == 1000);
  REQUIRE(grown.size() == 1000);
  for (int trial = 0; trial < 20; ++trial) {
    // A probe near one agent, as a snapshot of an enrolled person is.
    const std::size_t near = static_cast<std::size_t>(trial) * 37;
    Encoding probe = entries[near].encoding;
    const Encoding noise = random_unit_encoding(rng);
    for (std::size_t d = 0; d < kEncodingSize; ++d) probe[d] += 0.3f * noise[d];
    const std::string claimed = trial % 2 == 0 ? entries[near].lan_id : "someone else";
    const GalleryEntry* expected = nullptr;
    double best = 1e9;
    for (const auto& e : entries) {
      if (e.lan_id == claimed) continue;
      const double dist = face_distance(probe, e.encoding);
      if (dist < best) best = dist, expected = &e;
    }
    for (const Gallery* each : {&g, static_cast<const Gallery*>(&grown)}) {
      const auto m = each->closest_other(probe, claimed, 0);
      REQUIRE(m);
      CHECK(m->lan_id == expected->lan_id);
      CHECK(m->distance == best);
    }
  }
}

TEST_CASE_METHOD(DecideFixture, "gallery check: the claimed agent closest stays SUCCESS and the other is recorded",
                 "[gallery][decide]") {
  const Gallery g(policy.encoding_version, {{"NA\\agent", 1, at(0.0f)}, {"NA\\colleague", 2, at(0.5f)}});
  const Decision d = decide(faces_at({at(0.1f)}), &g);
  CHECK(d.result == ResultCode::Success);
  CHECK(*d.distance == Approx(0.1));
  REQUIRE(d.closest_lan_id);
  CHECK(*d.closest_lan_id == "NA\\colleague");
  REQUIRE(d.closest_distance);
  CHECK(*d.closest_distance == Approx(0.4));
  CHECK_THAT(d.detail, Catch::Contains("closest other enrolled agent NA\\colleague at 0.4000"));
  // The confidence: the claimed agent and not the colleague.
  CHECK(*d.accuracy == Approx(calibration->percent(0.1) * (1.0 - calibration->probability_same(0.4))));
  CHECK(*d.accuracy < calibration->percent(0.1));
  // Recorded whatever the verdict: a stranger far from everyone.
  const Decision far = decide(faces_at({at(2.0f)}), &g);
  CHECK(far.result == ResultCode::UnknownPerson);
  CHECK(far.closest_lan_id == std::optional<std::string>("NA\\colleague"));
  CHECK(*far.closest_distance == Approx(1.5));
}

TEST_CASE_METHOD(DecideFixture, "gallery check: another agent closer than the claimed one makes UNKNOWN_PERSON",
                 "[gallery][decide]") {
  const Gallery g(policy.encoding_version,
                  {{"NA\\agent", 1, at(0.0f)}, {"NA\\colleague", 2, at(0.5f)}, {"NA\\third", 3, at(0.9f)}});
  // 0.45 from the agent's benchmark (within the tolerance), 0.05 from the colleague's.
  const Decision d = decide(faces_at({at(0.45f)}), &g);
  CHECK(d.result == ResultCode::UnknownPerson);
  CHECK(d.status() == Status::Done);
  CHECK(*d.distance == Approx(0.45));  // still the claimed agent's
  // The confidence that this is the claimed agent and not the colleague, 0.05 from their own benchmark: about 0.
  CHECK(*d.accuracy == Approx(calibration->percent(0.45) * (1.0 - calibration->probability_same(0.05))));
  CHECK(*d.accuracy < 1.0);
  CHECK(calibration->percent(0.45) > 90.0);  // what the pair alone would have said
  CHECK(d.benchmark_id == std::optional<std::int64_t>(1));
  CHECK(d.closest_lan_id == std::optional<std::string>("NA\\colleague"));
  CHECK(*d.closest_distance == Approx(0.05));
  CHECK_THAT(d.detail, Catch::Contains("NA\\colleague") && Catch::Contains("training image 2") &&
                           Catch::Contains("0.0500") && Catch::Contains("0.4500"));
  // Several faces: the one closest to the benchmark is the one compared.
  const Decision multi = decide(faces_at({at(1.9f), at(0.45f)}), &g);
  CHECK(multi.result == ResultCode::UnknownMultipleFaces);
  CHECK(multi.closest_lan_id == std::optional<std::string>("NA\\colleague"));
  // As close as the claimed agent is not closer: the match stands.
  const Decision tie = decide(faces_at({at(0.25f)}), &g);
  CHECK(tie.result == ResultCode::Success);
  CHECK(*tie.closest_distance == *tie.distance);
  // Without a gallery, or with the gallery of another encoding version, the match stands.
  CHECK(decide(faces_at({at(0.45f)}), nullptr).result == ResultCode::Success);
  CHECK_FALSE(decide(faces_at({at(0.45f)}), nullptr).closest_lan_id);
  const Gallery other_version(policy.encoding_version + "+jitter", {{"NA\\colleague", 2, at(0.5f)}});
  const Decision unchecked = decide(faces_at({at(0.45f)}), &other_version);
  CHECK(unchecked.result == ResultCode::Success);
  CHECK_FALSE(unchecked.closest_lan_id);
}

TEST_CASE_METHOD(DecideFixture, "gallery check: the claimed agent's own entries are never the other agent",
                 "[gallery][decide]") {
  // An older benchmark of the agent closer than the current one, and the
  // current one itself: neither counts.
  const Gallery g(policy.encoding_version, {{"NA\\agent", 7, at(0.4f)}, {"NA\\colleague", 2, at(1.5f)}});
  const Decision d = decide(faces_at({at(0.4f)}), &g, benchmark_at(at(0.0f), 9));
  CHECK(d.result == ResultCode::Success);
  CHECK(d.closest_lan_id == std::optional<std::string>("NA\\colleague"));
  CHECK(*d.closest_distance == Approx(1.1));
  const Gallery only_agent(policy.encoding_version, {{"NA\\agent", 9, at(0.0f)}});
  const Decision alone = decide(faces_at({at(0.1f)}), &only_agent, benchmark_at(at(0.0f), 9));
  CHECK(alone.result == ResultCode::Success);
  CHECK_FALSE(alone.closest_lan_id);
  CHECK_FALSE(alone.closest_distance);
}

TEST_CASE_METHOD(DecideFixture, "gallery check: an empty gallery or no face records nothing", "[gallery][decide]") {
  const Gallery empty(policy.encoding_version);
  const Decision d = decide(faces_at({at(0.1f)}), &empty);
  CHECK(d.result == ResultCode::Success);
  CHECK_FALSE(d.closest_lan_id);
  CHECK_FALSE(d.closest_distance);
  const Gallery g(policy.encoding_version, {{"NA\\colleague", 2, at(0.1f)}});
  const Decision none = decide(faces_at({}), &g);
  CHECK(none.result == ResultCode::NoFacesFound);
  CHECK_FALSE(none.closest_lan_id);
  Benchmark missing;
  const Decision no_training = decide(faces_at({at(0.1f)}), &g, missing);
  CHECK(no_training.result == ResultCode::NoTrainingImage);
  CHECK_FALSE(no_training.closest_lan_id);
}

TEST_CASE("the gallery cache reads the database when due, not on every call", "[gallery]") {
  MemoryRepository repo;
  const auto a = repo.add_row(ImageKind::Train, "a", Status::Done);
  repo.save_encoding({a, kModelVersion, at(0.0f), {}, 0.0, std::nullopt});
  GalleryCache cache(std::chrono::seconds(60));
  const auto t0 = GalleryCache::Clock::time_point{} + std::chrono::hours(1);
  CHECK(cache.current(repo, kModelVersion, t0).size() == 1);
  CHECK(repo.call_count("load_gallery") == 1);

  const auto b = repo.add_row(ImageKind::Train, "b", Status::Done);
  repo.save_encoding({b, kModelVersion, at(0.5f), {}, 0.0, std::nullopt});
  CHECK(cache.current(repo, kModelVersion, t0 + std::chrono::seconds(59)).size() == 1);  // not due yet
  CHECK(repo.call_count("load_gallery") == 1);
  CHECK(cache.current(repo, kModelVersion, t0 + std::chrono::seconds(60)).size() == 2);  // due
  CHECK(repo.call_count("load_gallery") == 2);
  CHECK(cache.loads() == 2);

  // A benchmark put in by its owner counts at once and stays until the next load.
  Gallery& g = cache.current(repo, kModelVersion, t0 + std::chrono::seconds(61));
  CHECK(g.put({"c", 99, at(0.9f)}));
  CHECK(cache.current(repo, kModelVersion, t0 + std::chrono::seconds(62)).size() == 3);
  CHECK(repo.call_count("load_gallery") == 2);

  cache.expire();  // a new pass
  CHECK(cache.current(repo, kModelVersion, t0 + std::chrono::seconds(63)).size() == 2);
  CHECK(repo.call_count("load_gallery") == 3);
  // Another encoding version is another gallery, loaded at once.
  CHECK(cache.current(repo, "other", t0 + std::chrono::seconds(64)).size() == 0);
  CHECK(repo.call_count("load_gallery") == 4);
  CHECK(cache.current(repo, "other", t0 + std::chrono::seconds(64)).encoding_version() == "other");

  // A failed load keeps the gallery held before.
  repo.fail_next("load_gallery");
  CHECK_THROWS_AS(cache.current(repo, kModelVersion, t0 + std::chrono::seconds(65)), StorageError);
  CHECK(cache.current(repo, "other", t0 + std::chrono::seconds(66)).encoding_version() == "other");
}
