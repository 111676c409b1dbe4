/// The pass over the in-memory repository and a fake engine: every result
/// code, the benchmark rules, chunking, dry-run and failures.
#include <catch2/catch.hpp>

#include "biosense/calibration/fit.hpp"
#include "biosense/pass/pass.hpp"
#include "support/fake_engine.hpp"
#include "support/memory_repository.hpp"
#include "support/test_support.hpp"

using namespace biosense;
using biosense::test::FakeEngine;
using biosense::test::MemoryRepository;
using biosense::test::photo;

namespace {

struct PassFixture {
  MemoryRepository repo;
  FakeEngine engine_a, engine_b;
  std::unique_ptr<Calibration> calibration = make_provisional_calibration();
  std::ostringstream log_text;
  Logger log{log_text, LogFormat::Text, LogLevel::Debug};
  std::atomic<bool> stop{false};
  biosense::test::TempDir data;
  std::vector<Decision> seen;

  PassOptions options(bool dry_run = false) {
    PassOptions o;
    o.batch_size = 2;
    o.dry_run = dry_run;
    o.data_dir = data.path();
    o.host = "testhost";
    o.worker = "testhost:1";
    return o;
  }
  PassSummary run(ImageKind kind, PassOptions o) {
    Pass pass(repo, {&engine_a, &engine_b}, *calibration, o, log, stop,
              [this](const Decision& d) { seen.push_back(d); });
    return pass.run(kind);
  }
  PassSummary run(ImageKind kind) { return run(kind, options()); }
  std::string result_of(std::int64_t stream_id) { return repo.stream_row(stream_id).result.value_or("-"); }
};

}  // namespace

TEST_CASE_METHOD(PassFixture, "every stream result code, decided in one pass", "[pass]") {
  repo.add_row(ImageKind::Train, "agent", Status::Done, photo("faces:0.0"), ResultCode::Success);
  const auto success = repo.add_stream_row("agent", Status::Pending, photo("faces:0.1"));
  const auto success_multi = repo.add_stream_row("agent", Status::Pending, photo("faces:2.0,0.2"));
  const auto unknown = repo.add_stream_row("agent", Status::Pending, photo("faces:0.9"));
  const auto unknown_multi = repo.add_stream_row("agent", Status::Pending, photo("faces:0.9,1.5"));
  const auto no_face = repo.add_stream_row("agent", Status::Pending, photo("faces:"));
  const auto invalid = repo.add_stream_row("agent", Status::Pending, photo("garbage"));
  const auto null_image = repo.add_row(ImageKind::Stream, "agent", Status::Pending, std::nullopt);
  const auto no_training = repo.add_stream_row("nobody", Status::Pending, photo("faces:0.1"));

  const PassSummary s = run(ImageKind::Stream);
  CHECK(s.decided == 8);
  CHECK(result_of(success) == "SUCCESS");
  CHECK(result_of(success_multi) == "SUCCESS_MULTIPLE_FACES");
  CHECK(result_of(unknown) == "UNKNOWN_PERSON");
  CHECK(result_of(unknown_multi) == "UNKNOWN_MULTIPLE_FACES");
  CHECK(result_of(no_face) == "NO_FACES_FOUND");
  CHECK(result_of(invalid) == "INVALID_IMAGE");
  CHECK(result_of(null_image) == "INVALID_IMAGE");
  CHECK(result_of(no_training) == "NO_TRAINING_IMAGE");
  CHECK(repo.stream_row(success).status == Status::Done);
  CHECK(repo.stream_row(invalid).status == Status::Failed);
  CHECK(repo.stream_row(no_training).status == Status::Failed);
  CHECK(*repo.stream_row(success).distance == Approx(0.1));
  CHECK(*repo.stream_row(success).accuracy == Approx(calibration->percent(0.1)));
  CHECK(*repo.stream_row(success_multi).num_faces == 2);
  CHECK(*repo.stream_row(success_multi).distance == Approx(0.2));
  CHECK(*repo.stream_row(success).benchmark_id == 1);
  CHECK_FALSE(repo.stream_row(success).claimed_by);
  CHECK(repo.process_status().size() == 8 + 0);  // the approved benchmark was encoded, not re-validated
  CHECK(repo.encoding_count() == 1);
  // The staged files are gone.
  CHECK(std::filesystem::is_empty(data.path()));
}

TEST_CASE_METHOD(PassFixture, "the user's benchmark rules", "[pass]") {
  SECTION("the newest training image failed, although an older one was approved") {
    repo.add_row(ImageKind::Train, "a", Status::Done, photo("faces:0.0"), ResultCode::Success);
    const auto failed = repo.add_row(ImageKind::Train, "a", Status::Failed, photo("faces:"), ResultCode::NoFacesFound);
    const auto row = repo.add_stream_row("a", Status::Pending, photo("faces:0.0"));
    run(ImageKind::Stream);
    CHECK(result_of(row) == "TRAINING_IMAGE_FAILED");
    CHECK(*repo.stream_row(row).benchmark_id == failed);
  }
  SECTION("the newest training image is still N: validated inline, then used") {
    const auto train = repo.add_train_row("a", Status::Pending, photo("faces:0.0"));
    const auto row = repo.add_stream_row("a", Status::Pending, photo("faces:0.05"));
    run(ImageKind::Stream);
    CHECK(repo.train_row(train).status == Status::Done);
    CHECK(result_of(row) == "SUCCESS");
    CHECK(*repo.stream_row(row).benchmark_id == train);
  }
  SECTION("an inline validation that fails makes the snapshot TRAINING_IMAGE_FAILED") {
    const auto train = repo.add_train_row("a", Status::Pending, photo("faces:0.0,0.5"));
    const auto row = repo.add_stream_row("a", Status::Pending, photo("faces:0.05"));
    run(ImageKind::Stream);
    CHECK(repo.train_row(train).result == std::optional<std::string>("MULTIPLE_FACES"));
    CHECK(result_of(row) == "TRAINING_IMAGE_FAILED");
  }
  SECTION("a benchmark another worker is validating leaves the snapshot pending") {
    const auto train = repo.add_train_row("a", Status::Pending, photo("faces:0.0"));
    REQUIRE(repo.claim_train_image(train, "otherhost:99"));  // a fresh claim, on another host
    const auto row = repo.add_stream_row("a", Status::Pending, photo("faces:0.05"));
    const PassSummary s = run(ImageKind::Stream);
    CHECK(s.released == 1);
    CHECK(repo.stream_row(row).status == Status::Pending);
  }
}

TEST_CASE_METHOD(PassFixture, "a benchmark is encoded once and reused on later passes", "[pass]") {
  repo.add_row(ImageKind::Train, "a", Status::Done, photo("faces:0.0"), ResultCode::Success);
  for (int i = 0; i < 3; ++i) repo.add_stream_row("a", Status::Pending, photo("faces:0.1"));
  run(ImageKind::Stream);
  const int first = engine_a.calls + engine_b.calls;
  CHECK(first == 4);  // 3 snapshots + the benchmark, once
  repo.add_stream_row("a", Status::Pending, photo("faces:0.1"));
  run(ImageKind::Stream);
  CHECK(engine_a.calls + engine_b.calls == first + 1);  // the stored encoding was used
  CHECK(repo.process_status().back().model_version == kModelVersion);

  // Encodings made another way (--mirror, --jitters) are never compared with
  // the stored ones: the benchmark is encoded again, once, under its own version.
  PassOptions mirrored = options();
  mirrored.policy.encoding_version = std::string(kModelVersion) + "+mirror";
  repo.add_stream_row("a", Status::Pending, photo("faces:0.1"));
  run(ImageKind::Stream, mirrored);
  CHECK(engine_a.calls + engine_b.calls == first + 3);  // the snapshot and the benchmark
  CHECK(repo.encoding_count() == 2);
  CHECK(repo.process_status().back().model_version == mirrored.policy.encoding_version);
  repo.add_stream_row("a", Status::Pending, photo("faces:0.1"));
  run(ImageKind::Stream, mirrored);
  CHECK(engine_a.calls + engine_b.calls == first + 4);
}

TEST_CASE_METHOD(PassFixture, "enrolment photos get the engine's harder look; snapshots do not", "[pass]") {
  // "hidden:" faces are found only by FaceEngine::analyze_enrolment().
  const auto train = repo.add_train_row("a", Status::Pending, photo("hidden:faces:0.0"));
  run(ImageKind::Train);
  CHECK(repo.train_row(train).status == Status::Done);
  CHECK(engine_a.enrolment_calls + engine_b.enrolment_calls == 1);

  const auto hidden = repo.add_stream_row("a", Status::Pending, photo("hidden:faces:0.1"));
  const auto visible = repo.add_stream_row("a", Status::Pending, photo("faces:0.1"));
  // Validated inline by a stream pass, and an approved benchmark encoded
  // again: both are enrolment photos too.
  const auto inline_train = repo.add_train_row("b", Status::Pending, photo("hidden:faces:0.0"));
  const auto inline_row = repo.add_stream_row("b", Status::Pending, photo("faces:0.05"));
  repo.add_row(ImageKind::Train, "c", Status::Done, photo("hidden:faces:0.0"), ResultCode::Success);
  const auto approved_row = repo.add_stream_row("c", Status::Pending, photo("faces:0.05"));
  run(ImageKind::Stream);
  CHECK(result_of(hidden) == "NO_FACES_FOUND");
  CHECK(result_of(visible) == "SUCCESS");
  CHECK(repo.train_row(inline_train).status == Status::Done);
  CHECK(result_of(inline_row) == "SUCCESS");
  CHECK(result_of(approved_row) == "SUCCESS");
  CHECK(engine_a.enrolment_calls + engine_b.enrolment_calls == 3);
}

TEST_CASE_METHOD(PassFixture, "enrolment validation: one face, large and sharp enough", "[pass]") {
  const auto ok = repo.add_train_row("a", Status::Pending, photo("faces:0.0"));
  const auto none = repo.add_train_row("b", Status::Pending, photo("faces:"));
  const auto two = repo.add_train_row("c", Status::Pending, photo("faces:0.0,1.0"));
  const auto blurred = repo.add_train_row("d", Status::Pending, photo("blur:faces:0.0"));
  const auto bad = repo.add_train_row("e", Status::Pending, photo("junk"));
  run(ImageKind::Train);
  CHECK(repo.train_row(ok).status == Status::Done);
  CHECK(repo.train_row(none).result == std::optional<std::string>("NO_FACES_FOUND"));
  CHECK(repo.train_row(two).result == std::optional<std::string>("MULTIPLE_FACES"));
  CHECK(repo.train_row(blurred).result == std::optional<std::string>("LOW_QUALITY"));
  CHECK(repo.train_row(bad).result == std::optional<std::string>("INVALID_IMAGE"));
  for (auto id : {none, two, blurred, bad}) CHECK(repo.train_row(id).status == Status::Failed);
  CHECK(repo.encoding_count() == 1);

  DecisionPolicy strict;
  strict.min_face_px = 200;  // the fake's faces are 100 px
  const ImageRow row{ImageKind::Train, 9, "x", "", photo("faces:0.0"), 1};
  const AnalysisResult a = FakeEngine().analyze(*row.image);
  CHECK(decide_train(row, &a, strict).result == ResultCode::LowQuality);
}

TEST_CASE("a snapshot's confidence reads the closest face's and the benchmark's mirror gaps", "[pass]") {
  const auto calibration = make_logistic_calibration({40.0, 0.6, 10.0, 0.4}, "with gaps");
  Benchmark benchmark;
  benchmark.state = Benchmark::State::Ready;
  benchmark.train_img_id = 3;
  benchmark.mirror_gap = 0.25;
  const auto face_at = [](float x, double gap) {
    Face f;
    f.encoding[0] = x;
    f.mirror_gap = gap;
    return f;
  };
  FaceAnalysis analysis;
  analysis.faces = {face_at(1.5f, 0.05), face_at(0.55f, 0.35)};  // the second is the closest
  const AnalysisResult result = analysis;
  const ImageRow row{ImageKind::Stream, 9, "agent", "", std::nullopt, 1};
  Decision d = decide_stream(row, benchmark, &result, DecisionPolicy{}, *calibration, nullptr);
  CHECK(d.result == ResultCode::SuccessMultipleFaces);
  REQUIRE(d.distance);
  CHECK(*d.distance == Approx(0.55));
  REQUIRE(d.accuracy);
  CHECK(*d.accuracy == Approx(calibration->percent(0.55, 0.35 + 0.25)));
  // Harder faces than a typical pair (gaps 0.6 against 0.4): at this
  // distance more likely the same person.
  CHECK(*d.accuracy > calibration->percent(0.55) + 10.0);
  // A benchmark encoded before its gap was kept counts as a typical pair.
  benchmark.mirror_gap.reset();
  d = decide_stream(row, benchmark, &result, DecisionPolicy{}, *calibration, nullptr);
  CHECK(*d.accuracy == Approx(calibration->percent(0.55)));
}

TEST_CASE_METHOD(PassFixture, "a mirrored benchmark cached without its mirror gap is encoded again, once", "[pass]") {
  engine_a.mirror_gap = engine_b.mirror_gap = 0.2;
  const auto train = repo.add_row(ImageKind::Train, "agent", Status::Done, photo("faces:0.0"), ResultCode::Success);
  StoredEncoding cached;  // as a pass before migration 005 kept it
  cached.train_img_id = train;
  cached.model_version = kModelVersion;
  repo.save_encoding(cached);
  PassOptions o = options();
  o.policy.mirror_gaps = true;
  repo.add_stream_row("agent", Status::Pending, photo("faces:0.1"));
  run(ImageKind::Stream, o);
  CHECK(repo.call_count("save_encoding") == 2);
  const auto stored = repo.load_encoding(train, kModelVersion);
  REQUIRE(stored);
  REQUIRE(stored->mirror_gap);
  CHECK(*stored->mirror_gap == 0.2);
  // The next pass reads the cached encoding, gap and all.
  const auto next = repo.add_stream_row("agent", Status::Pending, photo("faces:0.1"));
  run(ImageKind::Stream, o);
  CHECK(repo.call_count("save_encoding") == 2);
  CHECK(result_of(next) == "SUCCESS");
  // An engine that does not mirror uses a cached encoding without a gap as it is.
  cached.train_img_id = train;
  repo.save_encoding(cached);
  repo.add_stream_row("agent", Status::Pending, photo("faces:0.1"));
  run(ImageKind::Stream, options());
  CHECK(repo.call_count("save_encoding") == 3);  // only the line above
}

TEST_CASE_METHOD(PassFixture, "dry-run decides everything and writes nothing", "[pass]") {
  repo.add_train_row("a", Status::Pending, photo("faces:0.0"));
  for (int i = 0; i < 5; ++i) repo.add_stream_row("a", Status::Pending, photo("faces:0.1"));
  const PassSummary s = run(ImageKind::Stream, options(true));
  CHECK(s.decided == 5);
  CHECK(seen.size() == 6);  // the inline validation is reported too
  CHECK(repo.call_count("commit_decisions") == 0);
  CHECK(repo.call_count("claim") == 0);
  CHECK(repo.call_count("save_encoding") == 0);
  for (const auto& r : repo.rows(ImageKind::Stream)) CHECK(r.status == Status::Pending);
  CHECK(std::filesystem::is_empty(data.path()));
}

TEST_CASE_METHOD(PassFixture, "chunks of --batch-size, at most --limit rows, only rows pending at the start",
                 "[pass]") {
  repo.add_row(ImageKind::Train, "a", Status::Done, photo("faces:0.0"), ResultCode::Success);
  for (int i = 0; i < 7; ++i) repo.add_stream_row("a", Status::Pending, photo("faces:0.1"));
  PassOptions o = options();
  o.limit = 5;
  CHECK(run(ImageKind::Stream, o).decided == 5);
  CHECK(repo.call_count("commit_decisions") == 3);  // 2 + 2 + 1
  CHECK(run(ImageKind::Stream).decided == 2);
}

TEST_CASE_METHOD(PassFixture, "a database failure propagates, and the claims wait for the next pass", "[pass]") {
  repo.add_row(ImageKind::Train, "a", Status::Done, photo("faces:0.0"), ResultCode::Success);
  const auto first = repo.add_stream_row("a", Status::Pending, photo("faces:0.1"));
  repo.add_stream_row("a", Status::Pending, photo("faces:0.1"));
  repo.fail_next_commit();
  CHECK_THROWS_AS(run(ImageKind::Stream), StorageError);
  CHECK(repo.stream_row(first).status == Status::Claimed);
  CHECK(repo.process_status().empty());
  // The next pass of the same (now dead) worker takes the claim back once the lease is over.
  repo.advance_clock(std::chrono::seconds(601));
  const PassSummary s = run(ImageKind::Stream);
  CHECK(s.reclaimed == 2);
  CHECK(s.decided == 2);
  CHECK(result_of(first) == "SUCCESS");
}

TEST_CASE_METHOD(PassFixture, "a stop request ends the pass after the current chunk", "[pass]") {
  repo.add_row(ImageKind::Train, "a", Status::Done, photo("faces:0.0"), ResultCode::Success);
  for (int i = 0; i < 6; ++i) repo.add_stream_row("a", Status::Pending, photo("faces:0.1"));
  Pass pass(repo, {&engine_a}, *calibration, options(), log, stop, [this](const Decision&) { stop = true; });
  const PassSummary s = pass.run(ImageKind::Stream);
  CHECK(s.interrupted);
  CHECK(s.decided == 2);  // one whole chunk, nothing half-done
  std::size_t pending = 0;
  for (const auto& r : repo.rows(ImageKind::Stream)) pending += r.status == Status::Pending;
  CHECK(pending == 4);
}

TEST_CASE_METHOD(PassFixture, "the gallery check: a closer colleague makes UNKNOWN_PERSON, one load per pass",
                 "[pass][gallery]") {
  repo.add_train_row("a", Status::Pending, photo("faces:0.0"));
  const auto b_train = repo.add_train_row("b", Status::Pending, photo("faces:0.5"));
  run(ImageKind::Train);  // both approved, their encodings cached
  const auto genuine = repo.add_stream_row("a", Status::Pending, photo("faces:0.1"));
  const auto colleague = repo.add_stream_row("a", Status::Pending, photo("faces:0.45"));
  const auto stranger = repo.add_stream_row("a", Status::Pending, photo("faces:2.0"));
  const auto no_face = repo.add_stream_row("a", Status::Pending, photo("faces:"));
  const auto b_itself = repo.add_stream_row("b", Status::Pending, photo("faces:0.45"));

  SECTION("on (the default)") {
    const PassSummary s = run(ImageKind::Stream);
    CHECK(s.decided == 5);
    CHECK(repo.call_count("load_gallery") == 1);  // 3 chunks, one load
    CHECK(result_of(genuine) == "SUCCESS");
    CHECK(repo.stream_row(genuine).closest_lan_id == std::optional<std::string>("b"));
    CHECK(*repo.stream_row(genuine).closest_distance == Approx(0.4));
    CHECK(result_of(colleague) == "UNKNOWN_PERSON");
    CHECK(repo.stream_row(colleague).closest_lan_id == std::optional<std::string>("b"));
    CHECK(*repo.stream_row(colleague).closest_distance == Approx(0.05));
    CHECK(*repo.stream_row(colleague).distance == Approx(0.45));
    bool named = false;
    for (const auto& a : repo.process_status())
      if (a.image_id == colleague && a.kind == ImageKind::Stream)
        named = a.detail.find("enrolled agent b (training image " + std::to_string(b_train) + ") is closer") !=
                std::string::npos;
    CHECK(named);
    CHECK(result_of(stranger) == "UNKNOWN_PERSON");
    CHECK(repo.stream_row(stranger).closest_lan_id == std::optional<std::string>("b"));
    CHECK(result_of(no_face) == "NO_FACES_FOUND");
    CHECK_FALSE(repo.stream_row(no_face).closest_lan_id);
    CHECK(result_of(b_itself) == "SUCCESS");
    CHECK(repo.stream_row(b_itself).closest_lan_id == std::optional<std::string>("a"));
    CHECK_THAT(log_text.str(), Catch::Contains("gallery loaded: 2 enrolled benchmark(s)"));
    // The next pass reads the gallery again.
    repo.add_stream_row("a", Status::Pending, photo("faces:0.1"));
    run(ImageKind::Stream);
    CHECK(repo.call_count("load_gallery") == 2);
  }
  SECTION("off") {
    PassOptions o = options();
    o.policy.gallery_check = false;
    run(ImageKind::Stream, o);
    CHECK(repo.call_count("load_gallery") == 0);
    CHECK(result_of(genuine) == "SUCCESS");
    CHECK(result_of(colleague) == "SUCCESS");
    CHECK(result_of(b_itself) == "SUCCESS");
    for (const auto& r : repo.rows(ImageKind::Stream)) {
      CHECK_FALSE(r.closest_lan_id);
      CHECK_FALSE(r.closest_distance);
    }
  }
}

TEST_CASE_METHOD(PassFixture, "the gallery check counts a benchmark validated inline in the same pass at once",
                 "[pass][gallery]") {
  const bool dry_run = GENERATE(false, true);
  INFO("dry run: " << dry_run);
  repo.add_train_row("a", Status::Pending, photo("faces:0.0"));
  run(ImageKind::Train);
  // Chunk 1 loads the gallery (a only); in chunk 2 b enrols inline, and a
  // snapshot claimed by a showing b is caught by the same pass.
  repo.add_stream_row("a", Status::Pending, photo("faces:0.1"));
  repo.add_stream_row("a", Status::Pending, photo("faces:0.1"));
  repo.add_train_row("b", Status::Pending, photo("faces:0.5"));
  const auto b_row = repo.add_stream_row("b", Status::Pending, photo("faces:0.5"));
  const auto impostor = repo.add_stream_row("a", Status::Pending, photo("faces:0.45"));
  seen.clear();
  run(ImageKind::Stream, options(dry_run));
  CHECK(repo.call_count("load_gallery") == 1);
  const auto decision_of = [&](std::int64_t id) {
    for (const auto& d : seen)
      if (d.kind == ImageKind::Stream && d.id == id) return d;
    FAIL("no decision for stream row " << id);
    return Decision{};
  };
  CHECK(decision_of(b_row).result == ResultCode::Success);
  const Decision caught = decision_of(impostor);
  CHECK(caught.result == ResultCode::UnknownPerson);
  CHECK(caught.closest_lan_id == std::optional<std::string>("b"));
  if (!dry_run) CHECK(result_of(impostor) == "UNKNOWN_PERSON");
}
