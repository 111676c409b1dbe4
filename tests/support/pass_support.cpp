#include "support/pass_support.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "support/test_support.hpp"

namespace biosense::test {

std::unique_ptr<SqlBackend> migrated_backend(bool mariadb) {
  auto b = mariadb ? make_mariadb_backend() : make_sqlite_backend();
  REQUIRE(b);
  b->migrate();
  return b;
}

Bytes misc_photo(const char* name) { return read_bytes(data_file(std::string("misc/face_recognition/") + name)); }

std::vector<Bytes> lfw_photos(std::size_t count) {
  std::vector<Bytes> photos;
  for (const auto& person : std::filesystem::directory_iterator(data_file("lfw-view1/images"))) {
    for (const auto& file : std::filesystem::directory_iterator(person.path())) {
      photos.push_back(read_bytes(file.path()));
      break;
    }
    if (photos.size() == count) break;
  }
  REQUIRE(photos.size() == count);
  return photos;
}

std::size_t count_status(SqlBackend& b, ImageKind kind, const std::vector<std::int64_t>& ids,
                         std::initializer_list<const char*> statuses) {
  std::size_t n = 0;
  for (auto id : ids) {
    const auto s = b.row(kind, id).status;
    for (const char* wanted : statuses) n += s == wanted;
  }
  return n;
}

std::size_t decided(SqlBackend& b, ImageKind kind, const std::vector<std::int64_t>& ids) {
  return count_status(b, kind, ids, {"Y", "F"});
}

}  // namespace biosense::test
