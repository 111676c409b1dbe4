#pragma once
/// Shared set-up of the end-to-end pass and consumer tests (test_run.cpp,
/// test_consume.cpp): migrated real databases, real photos, row counts.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <vector>

#include "biosense/storage/records.hpp"
#include "support/storage_backend.hpp"

namespace biosense::test {

/// A fresh, migrated MariaDB database or SQLite file (REQUIREs one).
std::unique_ptr<SqlBackend> migrated_backend(bool mariadb);
/// A photo of ../shared/datasets/misc/face_recognition.
Bytes misc_photo(const char* name);
/// The first photo of each of `count` LFW people (real work for the engine;
/// none is the agent's).
std::vector<Bytes> lfw_photos(std::size_t count);
/// How many of `ids` have one of `statuses` ("N", "P", "Y", "F").
std::size_t count_status(SqlBackend& b, ImageKind kind, const std::vector<std::int64_t>& ids,
                         std::initializer_list<const char*> statuses);
/// How many of `ids` are decided (Y or F).
std::size_t decided(SqlBackend& b, ImageKind kind, const std::vector<std::int64_t>& ids);

}  // namespace biosense::test
