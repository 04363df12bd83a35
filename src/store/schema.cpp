// Checks a file's application id and schema version, then migrates it forward.
// Knows no table: each kind of file brings its own list of migrations.
#include "ilnp/store/schema.hpp"

#include <cstdio>
#include <string>

namespace ilnp::store {
namespace {

std::string hex32(std::int64_t v) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", static_cast<unsigned>(static_cast<std::uint32_t>(v)));
  return text;
}

std::string quoted(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

}  // namespace

int schema_version(Connection& connection) { return static_cast<int>(connection.query_int64("PRAGMA user_version")); }

Connection open_with_schema(const std::filesystem::path& file, const SchemaSpec& spec, FileModes modes) {
  if (spec.migrations.empty()) throw StoreError("no migrations for " + std::string(spec.kind));
  for (std::size_t i = 0; i < spec.migrations.size(); ++i)
    if (spec.migrations[i].version != static_cast<int>(i + 1))
      throw StoreError("migrations of " + std::string(spec.kind) + " are not numbered 1, 2, ...");
  const int newest = spec.migrations.back().version;

  Connection c = Connection::open(file, modes);
  const std::int64_t application = c.query_int64("PRAGMA application_id");
  const int version = schema_version(c);
  if (application != 0 && application != spec.application_id)
    throw StoreError(quoted(file) + " is not an ilnp " + std::string(spec.kind) + " (its application_id is " +
                     hex32(application) + ", expected " + hex32(spec.application_id) + "); refusing to open it");
  if (version > newest)
    throw StoreError(quoted(file) + " has " + std::string(spec.kind) + " schema version " + std::to_string(version) +
                     ", newer than version " + std::to_string(newest) +
                     ", the newest this build of ilnp knows; refusing to open it (run a newer ilnp, or move the "
                     "file aside)");
  if (version == 0 && application == 0 && c.query_int64("SELECT count(*) FROM sqlite_schema") != 0)
    throw StoreError(quoted(file) + " is an SQLite database but not an ilnp " + std::string(spec.kind) +
                     " (it has tables and no schema version); refusing to change it");

  // A new file gives freed pages back (incremental_vacuum after pruning);
  // auto_vacuum can only be chosen before the first table exists. The WAL
  // is truncated to a few MB after each checkpoint instead of keeping its peak.
  if (version == 0 && c.query_int64("SELECT count(*) FROM sqlite_schema") == 0)
    c.exec("PRAGMA auto_vacuum = INCREMENTAL");
  c.exec("PRAGMA journal_size_limit = 4194304");
  {
    auto q = c.query("PRAGMA journal_mode=WAL");
    if (!q.step() || q.text_at(0) != "wal")
      throw StoreError("cannot put " + quoted(file) + " in WAL mode (is it on a file system without shared memory?)");
  }

  for (const Migration& m : spec.migrations) {
    if (m.version <= version) continue;
    Transaction t(c);
    // Another process may have migrated the file since we read the version.
    const int now = schema_version(c);
    if (now >= m.version) continue;
    if (now != m.version - 1)
      throw StoreError(quoted(file) + ": cannot migrate " + std::string(spec.kind) + " from version " +
                       std::to_string(now) + " to " + std::to_string(m.version));
    c.exec(m.sql);
    c.exec("PRAGMA application_id = " + std::to_string(spec.application_id) +
           "; PRAGMA user_version = " + std::to_string(m.version));
    t.commit();
  }
  return c;
}

}  // namespace ilnp::store
