/// RabbitMQ: the AMQP wrapper, the consumer in-process (fake engine, real
/// SQLite, real broker), and `biosense consume` / `publish` end to end (real
/// engine, real photos, SQLite and MariaDB, broker and database restarts).
#include <signal.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <functional>
#include <thread>

#include "biosense/cli/errors.hpp"
#include "biosense/cli/invocation.hpp"
#include "biosense/queue/consumer.hpp"
#include "support/fake_engine.hpp"
#include "support/pass_support.hpp"
#include "support/queue_support.hpp"
#include "support/storage_backend.hpp"
#include "support/test_support.hpp"

using namespace biosense;
using biosense::test::count_status;
using biosense::test::data_file;
using biosense::test::decided;
using biosense::test::lfw_photos;
using biosense::test::migrated_backend;
using biosense::test::misc_photo;
using biosense::test::photo;
using biosense::test::read_bytes;
using biosense::test::run_biosense;
using biosense::test::TestQueues;

namespace {

using Clock = std::chrono::steady_clock;

/// Polls until `done()` or the deadline; returns done().
template <class F>
bool wait_until(F done, std::chrono::seconds limit) {
  const auto deadline = Clock::now() + limit;
  while (!done() && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return done();
}

std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// Every row decided exactly once: Y/F, one audit row, no claim left. With
/// `claimed_once`, also claimed only once (attempts 1); without it a row may
/// have been claimed and released again (its agent's benchmark was being
/// validated by another worker at the time), but still decided once.
void check_decided_once(biosense::test::SqlBackend& b, ImageKind kind, const std::vector<std::int64_t>& ids,
                        bool claimed_once = true) {
  for (auto id : ids) {
    INFO(image_kind_name(kind) << " row " << id);
    const auto row = b.row(kind, id);
    CHECK((row.status == "Y" || row.status == "F"));
    CHECK(b.audit_details(kind, id).size() == 1);
    if (claimed_once) CHECK(row.attempts == 1);
    CHECK(row.attempts >= 1);
    CHECK_FALSE(row.claimed_by);
  }
}

/// The number in the last "<prefix>N decided" summary line (-1 when absent).
long decided_in(const std::string& log, const std::string& prefix) {
  const auto at = log.rfind(prefix);  // the summary is the last line with it
  if (at == std::string::npos) return -1;
  return std::strtol(log.c_str() + at + prefix.size(), nullptr, 10);
}

/// An in-process consumer over a real database, a fake engine and the real broker.
struct ConsumerFixture {
  std::unique_ptr<biosense::test::SqlBackend> db = migrated_backend(false);
  TestQueues queues;
  biosense::test::FakeEngine engine;
  std::unique_ptr<Calibration> calibration = make_provisional_calibration();
  std::ostringstream log_text;
  Logger log{log_text, LogFormat::Text, LogLevel::Debug};
  biosense::test::TempDir data;

  queue::ConsumerOptions options() {
    queue::ConsumerOptions o;
    o.queues = {{queues.stream(), ImageKind::Stream}, {queues.train(), ImageKind::Train}};
    o.host = "testhost";
    o.worker = "testhost:1/c1";
    o.data_dir = data.path();
    o.exit_when_idle = std::chrono::milliseconds(1500);
    o.max_backoff = std::chrono::milliseconds(500);
    return o;
  }
  queue::ConsumerStats consume(queue::ConsumerOptions o) {
    const std::string url = db->url();
    queue::Consumer consumer(
        biosense::test::test_amqp_url(), [url] { return open_repository(url); }, engine, *calibration, o, log,
        [] { return false; });
    return consumer.run();
  }
};

}  // namespace

// --- command line ------------------------------------------------------------

TEST_CASE("consume and publish parse their options", "[cli][consume]") {
  const auto p = parse_command_line({"--amqp", "amqp://u:p@h/v", "consume", "--queues", "facetraining", "--consumers",
                                     "3", "--prefetch", "2", "--queue-prefix", "t-", "--max-attempts", "4"});
  REQUIRE(p.invocation);
  CHECK(p.invocation->global.amqp_url == "amqp://u:p@h/v");
  const auto& c = std::get<ConsumeOptions>(p.invocation->command);
  CHECK(c.queues == std::vector<std::string>{"facetraining"});
  CHECK(c.consumers == 3);
  CHECK(c.prefetch == 2);
  CHECK(c.max_attempts == 4);
  CHECK(c.queue_prefix == "t-");
  const auto d = parse_command_line({"consume"});
  REQUIRE(d.invocation);
  CHECK(std::get<ConsumeOptions>(d.invocation->command).queues ==
        std::vector<std::string>{"facestreaming", "facetraining"});

  const auto pub = parse_command_line({"publish", "--mode", "train", "--ids", "3,1,2"});
  REQUIRE(pub.invocation);
  const auto& po = std::get<PublishOptions>(pub.invocation->command);
  CHECK(po.kind == ImageKind::Train);
  CHECK(po.ids == std::vector<std::int64_t>{3, 1, 2});
  CHECK_FALSE(po.pending);

  CHECK(parse_command_line({"consume", "--queues", "other"}).exit_code == 1);
  CHECK(parse_command_line({"consume", "--consumers", "0"}).exit_code == 1);
  CHECK(parse_command_line({"consume", "--queue-prefix", "a b"}).exit_code == 1);
  CHECK(parse_command_line({"publish"}).exit_code == 1);                             // --pending or --ids
  CHECK(parse_command_line({"publish", "--pending", "--ids", "1"}).exit_code == 1);  // not both
  CHECK(parse_command_line({"publish", "--ids", "1,x"}).exit_code == 1);
}

TEST_CASE("AMQP URLs: parsed, defaulted, and the password never shown", "[consume]") {
  const auto u = queue::parse_amqp_url("amqp://bio:s3cret@mq.example:5673/prod");
  CHECK(u.host == "mq.example");
  CHECK(u.port == 5673);
  CHECK(u.user == "bio");
  CHECK(u.password == "s3cret");
  CHECK(u.vhost == "prod");
  CHECK(u.redacted() == "amqp://bio:***@mq.example:5673/prod");
  const auto d = queue::parse_amqp_url(queue::kDefaultAmqpUrl);
  CHECK(d.vhost == "/");
  CHECK(d.redacted() == "amqp://guest:***@127.0.0.1:5672/%2f");
  CHECK_THROWS_AS(queue::parse_amqp_url("http://x"), UsageError);
  CHECK_THROWS_AS(queue::parse_amqp_url("amqps://x"), UsageError);
  CHECK(queue::resolve_amqp_url("amqp://flag") == "amqp://flag");

  // A wrong password: a QueueError that names the broker but not the secret.
  auto wrong = biosense::test::test_amqp_url();
  wrong.password = "not-the-password-xyz";
  try {
    queue::AmqpConnection c(wrong, std::chrono::seconds(0));
    FAIL("login with a wrong password succeeded");
  } catch (const queue::QueueError& e) {
    CHECK_THAT(e.what(), Catch::Contains("login"));
    CHECK_THAT(e.what(), !Catch::Contains("not-the-password-xyz"));
  }
  const auto r = run_biosense({"--amqp", "amqp://guest:hunter2@127.0.0.1:1/%2f", "publish", "--ids", "1"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, !Catch::Contains("hunter2"));
  CHECK_THAT(r.err, Catch::Contains("amqp://guest:***@127.0.0.1:1"));
  // consume: a broker that does not answer at start-up is exit 2 at once, not a silent wait.
  biosense::test::TempDir dir;
  REQUIRE(run_biosense({"--db", "sqlite:" + (dir / "x.db").string(), "db", "migrate"}).exit_code == 0);
  const auto c =
      run_biosense({"--db", "sqlite:" + (dir / "x.db").string(), "--amqp", "amqp://guest:hunter2@127.0.0.1:1/%2f",
                    "consume", "--data-dir", (dir / "Data").string()});
  CHECK(c.exit_code == 2);
  CHECK_THAT(c.err, !Catch::Contains("hunter2"));
  CHECK_THAT(c.err, Catch::Contains("connect failed"));
}

TEST_CASE("AMQP: confirmed persistent messages, headers, manual ack, redelivery of unacked ones", "[consume]") {
  TestQueues q;
  q.publish(q.stream(), {"41", "42"}, queue::MessageHeaders{2, "why"});
  CHECK(q.count(q.stream()) == 2);
  {
    queue::AmqpConnection c(biosense::test::test_amqp_url(), std::chrono::seconds(0));
    c.set_prefetch(1);
    c.consume(q.stream());
    auto first = c.next(std::chrono::seconds(5));
    REQUIRE(first);
    CHECK(first->body == "41");
    CHECK(first->queue == q.stream());
    CHECK(first->headers.attempts == 2);
    CHECK(first->headers.reason == "why");
    CHECK_FALSE(first->redelivered);
    c.ack(first->delivery_tag);
    auto second = c.next(std::chrono::seconds(5));
    REQUIRE(second);
    CHECK(second->body == "42");
    // Not acked: closing the connection puts it back.
  }
  const auto again = q.take_all(q.stream());
  REQUIRE(again.size() == 1);
  CHECK(again[0].body == "42");
  CHECK(again[0].redelivered);
  CHECK(q.count(q.stream()) == 0);
}

// --- the consumer in-process ---------------------------------------------------

TEST_CASE_METHOD(ConsumerFixture, "poison, unknown and duplicate messages are acked and logged, the rest decided",
                 "[consume]") {
  db->add_row(ImageKind::Train, "agent", Status::Done, photo("faces:0.0"));
  const auto good = db->add_row(ImageKind::Stream, "agent", Status::Pending, photo("faces:0.1"));
  const auto other = db->add_row(ImageKind::Stream, "agent", Status::Pending, photo("faces:0.9"));
  const auto done = db->add_row(ImageKind::Stream, "agent", Status::Done, photo("faces:0.1"));
  const auto train = db->add_row(ImageKind::Train, "agent2", Status::Pending, photo("faces:0.3"));
  queues.publish(queues.stream(), {"not-an-id", "", "-5", "1e3", "99999999999999999999", "777"});  // 6 poison
  queues.publish_ids(queues.stream(), {good, done, other, good});  // a duplicate, and an already decided row
  queues.publish_ids(queues.train(), {train});

  const auto stats = consume(options());
  INFO(log_text.str());
  CHECK(stats.decided == 3);
  CHECK(stats.skipped == 6 + 2);
  CHECK(stats.dead_lettered == 0);
  check_decided_once(*db, ImageKind::Stream, {good, other});
  check_decided_once(*db, ImageKind::Train, {train});
  CHECK(db->row(ImageKind::Stream, good).result == std::optional<std::string>("SUCCESS"));
  CHECK(db->row(ImageKind::Stream, other).result == std::optional<std::string>("UNKNOWN_PERSON"));
  CHECK(db->row(ImageKind::Train, train).status == "Y");
  CHECK(db->audit_details(ImageKind::Stream, done).empty());
  CHECK_THAT(log_text.str(), Catch::Contains("malformed message body 'not-an-id'"));
  CHECK_THAT(log_text.str(), Catch::Contains("stream_img 777 does not exist"));
  CHECK_THAT(log_text.str(), Catch::Contains("is already decided (Y SUCCESS)"));
  CHECK(queues.count(queues.stream()) == 0);
  CHECK(queues.count(queues.stream() + ".dead") == 0);
  CHECK(std::filesystem::is_empty(data.path()));
}

TEST_CASE_METHOD(ConsumerFixture, "a failing message is retried with x-biosense-attempts, then dead-lettered",
                 "[consume]") {
  db->add_row(ImageKind::Train, "agent", Status::Done, photo("faces:0.0"));
  const auto row = db->add_row(ImageKind::Stream, "agent", Status::Pending, photo("faces:0.1"));
  // The staging folder is a file: every attempt fails to stage the photo.
  const auto blocked = data / "not-a-folder";
  biosense::test::write_bytes(blocked, photo("x"));
  auto o = options();
  o.data_dir = blocked;
  o.max_attempts = 3;
  queues.publish_ids(queues.stream(), {row});

  const auto stats = consume(o);
  INFO(log_text.str());
  CHECK(stats.decided == 0);
  CHECK(stats.retried == 2);
  CHECK(stats.dead_lettered == 1);
  const auto dead = queues.take_all(queues.stream() + ".dead");
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].body == std::to_string(row));
  CHECK(dead[0].headers.attempts == 3);
  CHECK_FALSE(dead[0].headers.reason.empty());
  CHECK(queues.count(queues.stream()) == 0);
  // Nothing lost: the row is pending again for a pass or a later publish.
  const auto state = db->row(ImageKind::Stream, row);
  CHECK(state.status == "N");
  CHECK(state.attempts == 3);
  CHECK_FALSE(state.claimed_by);
}

TEST_CASE_METHOD(ConsumerFixture, "a consumer takes over a row left claimed by a dead process of this host",
                 "[consume]") {
  db->add_row(ImageKind::Train, "agent", Status::Done, photo("faces:0.0"));
  const auto row = db->add_row(ImageKind::Stream, "agent", Status::Pending, photo("faces:0.1"));
  // A consumer claimed it, then died before deciding (its message comes back).
  REQUIRE(db->open().claim_one(ImageKind::Stream, row, "testhost:999999999/c1").outcome ==
          SingleClaim::Outcome::Claimed);
  queues.publish_ids(queues.stream(), {row});
  const auto stats = consume(options());
  INFO(log_text.str());
  CHECK(stats.decided == 1);
  CHECK(db->row(ImageKind::Stream, row).result == std::optional<std::string>("SUCCESS"));
  CHECK(db->audit_details(ImageKind::Stream, row).size() == 1);
}

TEST_CASE_METHOD(ConsumerFixture,
                 "a consumer keeps the gallery between messages and counts an inline enrolment at once",
                 "[consume][gallery]") {
  db->add_row(ImageKind::Train, "a", Status::Pending, photo("faces:0.0"));
  db->add_row(ImageKind::Train, "b", Status::Pending, photo("faces:0.5"));
  const auto first = db->add_row(ImageKind::Stream, "a", Status::Pending, photo("faces:0.1"));
  const auto second = db->add_row(ImageKind::Stream, "a", Status::Pending, photo("faces:0.1"));
  // b enrols inline with its first snapshot, after the gallery was loaded...
  const auto b_itself = db->add_row(ImageKind::Stream, "b", Status::Pending, photo("faces:0.5"));
  // ...and a snapshot claimed by a but showing b is caught by the same gallery.
  const auto impostor = db->add_row(ImageKind::Stream, "a", Status::Pending, photo("faces:0.45"));
  const std::vector<std::int64_t> ids{first, second, b_itself, impostor};
  auto o = options();
  const std::size_t expected_loads = GENERATE(1u, 4u);
  if (expected_loads == 4u) o.gallery_refresh = std::chrono::seconds(0);  // read again for every message
  queues.publish_ids(queues.stream(), ids);

  const auto stats = consume(o);
  INFO(log_text.str());
  CHECK(stats.decided == 4 + 2);  // and the two enrolment photos validated inline
  check_decided_once(*db, ImageKind::Stream, ids);
  CHECK(db->row(ImageKind::Stream, first).result == std::optional<std::string>("SUCCESS"));
  CHECK_FALSE(db->row(ImageKind::Stream, first).closest_lan_id);  // the gallery held a only
  CHECK(db->row(ImageKind::Stream, b_itself).result == std::optional<std::string>("SUCCESS"));
  CHECK(db->row(ImageKind::Stream, b_itself).closest_lan_id == std::optional<std::string>("a"));
  const auto caught = db->row(ImageKind::Stream, impostor);
  CHECK(caught.result == std::optional<std::string>("UNKNOWN_PERSON"));
  CHECK(caught.closest_lan_id == std::optional<std::string>("b"));
  REQUIRE(caught.closest_distance);
  CHECK(*caught.closest_distance == Approx(0.05));
  std::size_t loads = 0;
  for (std::size_t at = 0; (at = log_text.str().find("gallery loaded:", at)) != std::string::npos; ++at) ++loads;
  CHECK(loads == expected_loads);
}

// --- the binary, real engine ---------------------------------------------------

TEST_CASE("three consumers drain both queues: every row decided once", "[consume][slow]") {
  const bool mariadb = GENERATE(false, true);
  auto b = migrated_backend(mariadb);
  INFO(b->name());
  TestQueues q;
  biosense::test::TempDir data;
  // New enrolment photos arrive on facetraining while their agents' snapshots
  // arrive on facestreaming: whichever comes first, each row is decided once.
  std::vector<std::int64_t> train = {
      b->add_row(ImageKind::Train, "NA\\nvep5898", Status::Pending, misc_photo("obama.jpg")),
      b->add_row(ImageKind::Train, "na\\rgupta", Status::Pending, misc_photo("biden.jpg"))};
  std::vector<std::int64_t> stream;
  stream.push_back(b->add_row(ImageKind::Stream, "NA\\nvep5898", Status::Pending, misc_photo("obama2.jpg")));
  stream.push_back(b->add_row(ImageKind::Stream, "na\\rgupta", Status::Pending, misc_photo("obama3.jpg")));
  for (const auto& p : lfw_photos(10))
    stream.push_back(b->add_row(ImageKind::Stream, "na\\rgupta", Status::Pending, p));
  const auto published = run_biosense({"--db", b->url(), "--amqp", biosense::test::test_amqp_url_text(), "publish",
                                       "--pending", "--queue-prefix", q.prefix()});
  INFO(published.err);
  REQUIRE(published.exit_code == 0);
  REQUIRE(q.count(q.stream()) == stream.size());
  q.publish_ids(q.train(), train);

  const auto r = run_biosense({"--db", b->url(), "--amqp", biosense::test::test_amqp_url_text(), "consume",
                               "--consumers", "3", "--prefetch", "2", "--queue-prefix", q.prefix(), "--exit-when-idle",
                               "3", "--data-dir", data.path().string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  check_decided_once(*b, ImageKind::Stream, stream, false);
  check_decided_once(*b, ImageKind::Train, train, false);
  CHECK(b->row(ImageKind::Stream, stream[0]).result == std::optional<std::string>("SUCCESS"));
  CHECK(b->row(ImageKind::Stream, stream[1]).result == std::optional<std::string>("UNKNOWN_PERSON"));
  CHECK(q.count(q.stream()) == 0);
  CHECK(q.count(q.train()) == 0);
  CHECK(q.count(q.stream() + ".dead") == 0);
  CHECK_THAT(r.err, Catch::Contains("consume: 14 decided"));
  CHECK(std::filesystem::is_empty(data.path()));
}

namespace {

/// Two consumers on 16 LFW snapshots; once 3 are decided, `outage` breaks the
/// broker or the database. Every row must still be decided exactly once, Y,
/// unclaimed, with nothing left queued or dead-lettered, and the log must
/// show `recovered` (the consumer's reconnect message). `claimed_once`: every
/// row was claimed exactly once (a database outage may cost a second claim).
void consumers_survive(bool mariadb, bool claimed_once, const std::string& idle_seconds,
                       const std::function<void(biosense::test::SqlBackend&)>& outage, const std::string& recovered) {
  auto b = migrated_backend(mariadb);
  TestQueues q;
  biosense::test::TempDir data, logs;
  b->add_row(ImageKind::Train, "a", Status::Done, misc_photo("obama.jpg"));
  std::vector<std::int64_t> ids;
  for (const auto& p : lfw_photos(16)) ids.push_back(b->add_row(ImageKind::Stream, "a", Status::Pending, p));
  q.publish_ids(q.stream(), ids);
  const int pid = biosense::test::spawn_biosense(
      {"--db", b->url(), "--amqp", biosense::test::test_amqp_url_text(), "consume", "--consumers", "2",
       "--queue-prefix", q.prefix(), "--exit-when-idle", idle_seconds, "--data-dir", data.path().string()},
      logs.path());
  REQUIRE(wait_until([&] { return decided(*b, ImageKind::Stream, ids) >= 3; }, std::chrono::seconds(120)));
  outage(*b);
  const int code = biosense::test::wait_biosense(pid);
  const std::string err = slurp(logs / "spawn.err");
  INFO(err);
  CHECK(code == 0);
  check_decided_once(*b, ImageKind::Stream, ids, claimed_once);
  CHECK(count_status(*b, ImageKind::Stream, ids, {"Y"}) == ids.size());
  CHECK_THAT(err, Catch::Contains(recovered));
  CHECK(q.count(q.stream()) == 0);
  CHECK(q.count(q.stream() + ".dead") == 0);
}

}  // namespace

TEST_CASE("RabbitMQ restarted mid-run: consumers reconnect, no message lost, no row decided twice",
          "[consume][slow][rabbitmq-restart]") {
  consumers_survive(
      false, true, "4",
      [](biosense::test::SqlBackend&) {
        biosense::test::RabbitPause pause;  // started again at the end of this block, also on failure
        std::this_thread::sleep_for(std::chrono::seconds(2));
        REQUIRE(pause.resume());
      },
      "reconnected");
}

TEST_CASE("the database lost mid-run: the consumer reconnects and every row is decided once",
          "[consume][slow][mariadb]") {
  // Cut every connection of the consumers, as a MariaDB restart would.
  consumers_survive(
      true, false, "4", [](biosense::test::SqlBackend& b) { b.kill_other_connections(); },
      "database connection reopened");
}

TEST_CASE("MariaDB really restarted mid-run: consumers wait, reconnect, and every row is decided once",
          "[consume][slow][mariadb][restart]") {
  consumers_survive(
      true, false, "20",
      [](biosense::test::SqlBackend& b) {
        b.reconnect();  // the test's own connections die with the server too
        biosense::test::restart_mariadb_server(std::chrono::seconds(3));
      },
      "database connection reopened");
}

TEST_CASE("SIGTERM: the consumer finishes the message in flight, leaves the rest queued, exits 0", "[consume][slow]") {
  auto b = migrated_backend(false);
  TestQueues q;
  biosense::test::TempDir data, logs;
  b->add_row(ImageKind::Train, "a", Status::Done, misc_photo("obama.jpg"));
  std::vector<std::int64_t> ids;
  for (const auto& p : lfw_photos(12)) ids.push_back(b->add_row(ImageKind::Stream, "a", Status::Pending, p));
  q.publish_ids(q.stream(), ids);
  const int pid = biosense::test::spawn_biosense(
      {"--db", b->url(), "--amqp", biosense::test::test_amqp_url_text(), "consume", "--prefetch", "4", "--queue-prefix",
       q.prefix(), "--data-dir", data.path().string()},
      logs.path());
  // Wait for a claim: a message is in flight.
  REQUIRE(wait_until([&] { return count_status(*b, ImageKind::Stream, ids, {"P"}) > 0; }, std::chrono::seconds(120)));
  kill(pid, SIGTERM);
  const int code = biosense::test::wait_biosense(pid);
  INFO(slurp(logs / "spawn.err"));
  CHECK(code == 0);
  const std::size_t done = decided(*b, ImageKind::Stream, ids);
  CHECK(done >= 1);  // the one in flight was finished
  CHECK(done < ids.size());
  CHECK(count_status(*b, ImageKind::Stream, ids, {"P"}) == 0);
  // Every undecided row still has its message (prefetched ones went back).
  CHECK(q.count(q.stream()) == ids.size() - done);
  CHECK(std::filesystem::is_empty(data.path()));
}

TEST_CASE("a consumer beside a pass on MariaDB: every row decided once", "[consume][slow][mariadb]") {
  auto b = migrated_backend(true);
  TestQueues q;
  biosense::test::TempDir data, logs_run, logs_consume;
  b->add_row(ImageKind::Train, "a", Status::Done, misc_photo("obama.jpg"));
  std::vector<std::int64_t> ids;
  for (const auto& p : lfw_photos(24)) ids.push_back(b->add_row(ImageKind::Stream, "a", Status::Pending, p));
  q.publish_ids(q.stream(), ids);
  const int consumer = biosense::test::spawn_biosense(
      {"--db", b->url(), "--amqp", biosense::test::test_amqp_url_text(), "consume", "--queue-prefix", q.prefix(),
       "--exit-when-idle", "3", "--data-dir", data.path().string()},
      logs_consume.path());
  const int pass = biosense::test::spawn_biosense(
      {"--db", b->url(), "run", "--mode", "stream", "--batch-size", "2", "--data-dir", data.path().string()},
      logs_run.path());
  CHECK(biosense::test::wait_biosense(pass) == 0);
  CHECK(biosense::test::wait_biosense(consumer) == 0);
  const std::string err = slurp(logs_consume / "spawn.err"), pass_err = slurp(logs_run / "spawn.err");
  INFO(err);
  INFO(pass_err);
  check_decided_once(*b, ImageKind::Stream, ids);
  CHECK(q.count(q.stream()) == 0);
  // Together they decided each row once (the consumer acked the rest as decided or claimed).
  CHECK(decided_in(err, "consume: ") + decided_in(pass_err, "pass stream: ") == static_cast<long>(ids.size()));
}
