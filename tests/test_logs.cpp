/// Logs operators can use: text or JSON lines, one line per chunk and per
/// pass with counts and timings, warnings naming the row, and never a
/// password or an image byte.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "biosense/util/log.hpp"
#include "support/test_support.hpp"

using namespace biosense;
using biosense::test::run_biosense;
using biosense::test::TempDir;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::size_t count_containing(const std::vector<std::string>& lines, const std::vector<std::string>& parts) {
  std::size_t n = 0;
  for (const auto& line : lines) {
    bool all = true;
    for (const auto& p : parts) all = all && line.find(p) != std::string::npos;
    n += all;
  }
  return n;
}

}  // namespace

TEST_CASE("JSON log lines carry extra fields, text lines do not", "[logs]") {
  std::ostringstream json_out, text_out;
  Logger json(json_out, LogFormat::Json, LogLevel::Info);
  Logger text(text_out, LogFormat::Text, LogLevel::Info);
  const LogFields fields{{"event", "\"chunk\""}, {"decided", "3"}, {"counts", "{\"SUCCESS\":3}"}};
  json.info("chunk \"x\"", fields);
  text.info("chunk \"x\"", fields);
  const std::string line = json_out.str();
  CHECK(line.rfind("{\"ts\":\"", 0) == 0);
  CHECK_THAT(line, Catch::EndsWith("\"level\":\"info\",\"msg\":\"chunk \\\"x\\\"\",\"event\":\"chunk\",\"decided\":3,"
                                   "\"counts\":{\"SUCCESS\":3}}\n"));
  CHECK(text_out.str() == "chunk \"x\"\n");
}

TEST_CASE("a JSON-logged pass: a line per chunk and per pass, warnings with ids, no image bytes", "[logs][models]") {
  TempDir dir;
  const std::vector<std::string> env{"BIOSENSE_DB_URL=sqlite:" + (dir / "bio.db").string(),
                                     "BIOSENSE_DATA_DIR=" + (dir / "Data").string()};
  REQUIRE(run_biosense({"db", "migrate"}, env).exit_code == 0);
  const auto photos = test::data_file("misc/face_recognition");
  Bytes truncated = test::read_bytes(photos / "obama3.jpg");
  truncated.resize(truncated.size() / 3);
  test::write_bytes(dir / "truncated.jpg", truncated);
  test::write_bytes(dir / "flat.png", test::flat_png(200, 200, 10, 200, 10));
  REQUIRE(
      run_biosense({"import", "--lan-id", "NA\\agent", "--train", (photos / "obama.jpg").string()}, env).exit_code ==
      0);
  // stream ids 1..5: obama2, biden, truncated, flat, obama_small
  REQUIRE(run_biosense({"import", "--lan-id", "NA\\agent", "--stream", (photos / "obama2.jpg").string(),
                        (photos / "biden.jpg").string(), (dir / "truncated.jpg").string(), (dir / "flat.png").string(),
                        (photos / "obama_small.jpg").string()},
                       env)
              .exit_code == 0);

  const auto r = run_biosense({"--log-format", "json", "-v", "run", "--once", "--batch-size", "2"}, env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto lines = lines_of(r.err);
  REQUIRE_FALSE(lines.empty());
  for (const auto& line : lines) {
    INFO(line);
    CHECK(line.rfind("{\"ts\":\"", 0) == 0);
    CHECK(line.back() == '}');
    CHECK(line.size() < 1000);
    CHECK(std::count_if(line.begin(), line.end(), [](char c) { return (c >= 0 && c < 0x20) || c == 0x7f; }) == 0);
  }
  // No image byte: no JPEG/PNG signature, nothing of the truncated file.
  CHECK(r.err.find("\xff\xd8\xff") == std::string::npos);
  CHECK(r.err.find("\x89PNG") == std::string::npos);
  CHECK(r.err.find("JFIF") == std::string::npos);

  // 5 stream rows in chunks of 2: three chunk lines, ids and counts in each.
  CHECK(count_containing(lines, {"\"event\":\"chunk\"", "\"kind\":\"stream\""}) == 3);
  CHECK(count_containing(lines, {"\"msg\":\"chunk stream: 2 decided (ids 1..2)", "\"first_id\":1", "\"last_id\":2",
                                 "\"counts\":{\"SUCCESS\":1,\"UNKNOWN_PERSON\":1}", "\"engine_seconds\":"}) == 1);
  CHECK(count_containing(lines, {"\"event\":\"chunk\"", "\"kind\":\"train\"", "\"decided\":1"}) == 1);
  // The pass lines: totals per result and timings.
  CHECK(count_containing(lines, {"\"event\":\"pass\"", "\"kind\":\"stream\"", "\"decided\":5", "\"seconds\":",
                                 "\"rows_per_second\":", "\"INVALID_IMAGE\":1", "\"NO_FACES_FOUND\":1"}) == 1);
  CHECK(count_containing(lines, {"\"event\":\"pass\"", "\"kind\":\"train\"", "\"decided\":1"}) == 1);
  // The failed row is a warning naming it.
  CHECK(count_containing(lines, {"\"level\":\"warning\"", "stream 3 (NA\\\\agent): INVALID_IMAGE"}) == 1);

  const auto text = run_biosense({"run", "--once"}, env);  // nothing pending: a pass line, no chunk line
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.err, Catch::Contains("pass stream: 0 decided"));
  CHECK_THAT(text.err, !Catch::Contains("chunk"));
}

TEST_CASE("a database password never reaches the logs, also when the connection fails", "[logs]") {
  for (const std::string& format : {std::string("text"), std::string("json")}) {
    const auto r = run_biosense(
        {"--log-format", format, "-v", "--db", "mysql://bio:Pa55-w0rd-XYZ@127.0.0.1:1/biosense", "run", "--once"});
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("mysql://bio:***@127.0.0.1:1/biosense"));
    CHECK_THAT(r.err + r.out, !Catch::Contains("Pa55-w0rd-XYZ"));
  }
  const auto env = run_biosense({"db", "status"}, {"BIOSENSE_DB_URL=mysql://bio:Pa55-w0rd-XYZ@127.0.0.1:1/biosense"});
  CHECK(env.exit_code == 2);
  CHECK_THAT(env.err + env.out, !Catch::Contains("Pa55-w0rd-XYZ"));
}
