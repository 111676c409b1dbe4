/// Staging: hostile lan_ids stay under the data folder; files go away.
#include <catch2/catch.hpp>
#include <fstream>
#include <set>

#include "biosense/pass/workspace.hpp"
#include "support/test_support.hpp"

using namespace biosense;

TEST_CASE("safe_folder_name is reversible in spirit and never escapes", "[workspace]") {
  CHECK(safe_folder_name("NA\\nvep5898") == "NA_5Cnvep5898");
  CHECK(safe_folder_name("na\\rgupta") == "na_5Crgupta");
  CHECK(safe_folder_name("../../etc") == "_2E_2E_2F_2E_2E_2Fetc");
  CHECK(safe_folder_name("/abs") == "_2Fabs");
  CHECK(safe_folder_name("") == "_");
  CHECK(safe_folder_name(".") == "_2E");
  // Distinct ids never share a folder.
  std::set<std::string> names;
  for (const std::string id : {"a_5C", "a\\", "a b", "a_20b", "'; DROP TABLE stream_img; --", "Ünïcode", "a\nb"})
    CHECK(names.insert(safe_folder_name(id)).second);
}

TEST_CASE("staged files land in Data/<agent>/<AREA>/ and are deleted with the chunk", "[workspace]") {
  biosense::test::TempDir root;
  Workspace ws(root.path(), false);
  std::filesystem::path file;
  {
    StagedFiles staged(ws);
    file = staged.stage("NA\\nvep5898", StageArea::Streaming, 42, Bytes{0xFF, 0xD8, 0xFF, 0xE0});
    CHECK(file == root.path() / "NA_5Cnvep5898" / "STREAMING" / "42.jpg");
    CHECK(std::filesystem::exists(file));
    const auto hostile = staged.stage("../../etc", StageArea::Benchmark, 7, Bytes{'x'});
    CHECK(hostile.parent_path().parent_path().parent_path() == root.path());
  }
  CHECK_FALSE(std::filesystem::exists(file));
  CHECK(std::filesystem::is_empty(root.path()));

  Workspace keep(root.path(), true);
  {
    StagedFiles staged(keep);
    file = staged.stage("a", StageArea::Streaming, 1, Bytes{'x'});
  }
  CHECK(std::filesystem::exists(file));
}

TEST_CASE("sweep removes only files older than the lease", "[workspace]") {
  biosense::test::TempDir root;
  Workspace ws(root.path(), true);
  std::filesystem::path old_file, new_file;
  {
    StagedFiles staged(ws);
    old_file = staged.stage("a", StageArea::Streaming, 1, Bytes{'x'});
    new_file = staged.stage("b", StageArea::Streaming, 2, Bytes{'x'});
  }
  std::filesystem::last_write_time(old_file, std::filesystem::file_time_type::clock::now() - std::chrono::hours(1));
  CHECK(ws.sweep(std::chrono::seconds(600)) == 1);
  CHECK_FALSE(std::filesystem::exists(old_file));
  CHECK_FALSE(std::filesystem::exists(old_file.parent_path()));
  CHECK(std::filesystem::exists(new_file));
}

TEST_CASE("read_staged: the staged file when it holds the photo, else the photo itself", "[workspace]") {
  biosense::test::TempDir dir;
  const Bytes photo{0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5};
  const auto file = dir / "1.jpg";
  SECTION("intact: the file's bytes") {
    biosense::test::write_bytes(file, photo);
    CHECK(read_staged(file, photo) == photo);
  }
  SECTION("removed by another worker's cleanup") { CHECK(read_staged(file, photo) == photo); }
  SECTION("half written by another worker") {
    biosense::test::write_bytes(file, Bytes(photo.begin(), photo.begin() + 4));
    CHECK(read_staged(file, photo) == photo);
  }
  SECTION("empty (truncated for a rewrite)") {
    biosense::test::write_bytes(file, Bytes{});
    CHECK(read_staged(file, photo) == photo);
  }
  SECTION("another photo: never analysed in place of this one") {
    biosense::test::write_bytes(file, Bytes{9, 9, 9, 9, 9, 9, 9, 9, 9});
    CHECK(read_staged(file, photo) == photo);
  }
}
