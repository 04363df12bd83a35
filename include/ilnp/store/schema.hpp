// Versioned schemas: PRAGMA user_version numbers the schema, PRAGMA
// application_id tells an ilnp file from any other SQLite file, and forward
// migrations bring an older file up to date. Knows no particular table.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

#include "ilnp/store/sqlite.hpp"

namespace ilnp::store {

// The SQL that takes a schema from version `version - 1` to `version`.
// Once released, a migration is never edited: old files depend on it.
struct Migration {
  int version;
  std::string_view sql;
};

struct SchemaSpec {
  std::string_view kind;                  // for messages, e.g. "state database"
  std::int32_t application_id;            // PRAGMA application_id of this kind of file
  std::span<const Migration> migrations;  // versions 1, 2, ... in order
};

// Opens `file` (Connection::open) and checks it before writing anything:
// refuses a file of another application, a file whose schema is newer than
// the newest migration here (the message names the file and both versions),
// and a non-empty SQLite file without a schema version. Then switches the
// file to WAL mode and applies the missing migrations, each in a transaction
// of its own. Throws StoreError.
[[nodiscard]] Connection open_with_schema(const std::filesystem::path& file, const SchemaSpec& spec, FileModes modes);

// PRAGMA user_version of an open file.
[[nodiscard]] int schema_version(Connection& connection);

}  // namespace ilnp::store
