#pragma once
/// The migrations under sql/<dialect>/, compiled into the binary by
/// embed_sql.cmake (the generated source defines embedded_migrations()).
#include <iterator>
#include <string_view>
#include <vector>

#include "dialect.hpp"

namespace biosense::storage {

struct EmbeddedMigration {
  int version = 0;        ///< NNN of NNN_name.sql: 1, 2, 3...
  std::string_view name;  ///< name of NNN_name.sql
  std::string_view sql;   ///< the whole file: statements ending in ';', '--' comments
};

/// Every migration of `dialect`, in version order (1..N, no gaps).
std::vector<EmbeddedMigration> embedded_migrations(Dialect dialect);

}  // namespace biosense::storage
