// The state database on a temporary directory: schema, migration, refusals,
// round trips of every table, expiry, and the identity that is never replaced.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "../store/temp_dir.hpp"
#include "ilnp/store/database.hpp"
#include "ilnp/store/schema.hpp"
#include "ilnp/store/sqlite.hpp"

namespace ilnp::store {
namespace {

namespace fs = std::filesystem;
using testing::read_bytes;
using testing::TempDir;
using testing::write_bytes;
using namespace std::chrono_literals;

const WallTime kT0 = from_unix_us(1'700'000'000'000'000);

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

// A raw connection with no schema applied, for looking under the hood.
Connection raw(const fs::path& file) { return Connection::open(file, FileModes{}); }

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const StoreError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no StoreError thrown";
  return {};
}

Identity identity_a() {
  return Identity{.secret_key = {1, 2, 3, 4}, .public_key = {5, 6, 7}, .nid = Nid{0xa}, .created_at = kT0};
}

TEST(StoreDatabase, CreatesDirectoryFileAndSchema) {
  TempDir tmp;
  const fs::path dir = tmp / "state/node1";
  Database db(dir);
  EXPECT_EQ(db.path(), dir / "state.db");
  EXPECT_EQ(mode_of(dir), 0700u);
  EXPECT_EQ(mode_of(tmp / "state"), 0700u);
  EXPECT_EQ(mode_of(db.path()), 0600u);
  db.set_counter(Counter{.name = "x", .value = 1, .updated_at = kT0});
  EXPECT_EQ(mode_of(dir / "state.db-wal"), 0600u);  // SQLite copies the main file's mode

  Connection& c = db.connection();
  EXPECT_EQ(schema_version(c), Database::kSchemaVersion);
  EXPECT_EQ(c.query_int64("PRAGMA application_id"), Database::kApplicationId);
  EXPECT_EQ(c.query_int64("PRAGMA foreign_keys"), 1);
  EXPECT_EQ(c.query_int64("PRAGMA synchronous"), 1);  // NORMAL
  {
    auto q = c.query("PRAGMA journal_mode");
    ASSERT_TRUE(q.step());
    EXPECT_EQ(q.text_at(0), "wal");
  }
  for (const char* table : {"identity", "peers", "peer_hostnames", "bindings", "counters"})
    EXPECT_EQ(c.query_int64(std::string("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '") +
                            table + "'"),
              1)
        << table;
}

TEST(StoreDatabase, ReopensWithoutChange) {
  TempDir tmp;
  { Database db(tmp.path()); }
  Database again(tmp.path());
  EXPECT_EQ(schema_version(again.connection()), Database::kSchemaVersion);
}

TEST(StoreDatabase, MigratesVersion1To2) {
  TempDir tmp;
  const fs::path file = tmp / "state.db";
  {
    // Version 1 as it was released, written by hand; application_id left 0.
    Connection c = raw(file);
    c.exec(R"sql(
CREATE TABLE identity (id INTEGER PRIMARY KEY CHECK (id = 1), secret_key BLOB NOT NULL,
  public_key BLOB NOT NULL, nid TEXT NOT NULL, created_at_us INTEGER NOT NULL);
CREATE TRIGGER identity_never_replaced BEFORE UPDATE ON identity BEGIN SELECT RAISE(ABORT, 'no'); END;
CREATE TRIGGER identity_never_deleted BEFORE DELETE ON identity BEGIN SELECT RAISE(ABORT, 'no'); END;
CREATE TABLE peers (nid TEXT PRIMARY KEY, public_key BLOB, first_seen_us INTEGER NOT NULL,
  last_seen_us INTEGER NOT NULL);
CREATE TABLE peer_hostnames (nid TEXT NOT NULL REFERENCES peers(nid) ON DELETE CASCADE,
  hostname TEXT NOT NULL, PRIMARY KEY (nid, hostname)) WITHOUT ROWID;
CREATE TABLE bindings (nid TEXT NOT NULL, locator TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('discovery', 'locator_update', 'configuration')),
  learned_at_us INTEGER NOT NULL, expires_at_us INTEGER, PRIMARY KEY (nid, locator)) WITHOUT ROWID;
INSERT INTO identity VALUES (1, x'01020304', x'050607', '0:0:0:a', 1700000000000000);
INSERT INTO bindings VALUES ('0:0:0:b', '1:0:0:0', 'discovery', 1700000000000000, 1700000060000000);
PRAGMA user_version = 1;
)sql");
  }
  Database db(tmp.path());
  Connection& c = db.connection();
  EXPECT_EQ(schema_version(c), Database::kSchemaVersion);
  EXPECT_EQ(c.query_int64("PRAGMA application_id"), Database::kApplicationId);
  EXPECT_EQ(c.query_int64("SELECT count(*) FROM sqlite_schema WHERE name = 'bindings_by_expiry'"), 1);
  EXPECT_EQ(c.query_int64("SELECT count(*) FROM sqlite_schema WHERE name = 'bindings_by_learned'"), 1);
  // The data of version 1 is still there and readable.
  auto id = db.load_identity();
  ASSERT_TRUE(id);
  EXPECT_TRUE(id->same_keys(identity_a()));
  ASSERT_EQ(db.bindings().size(), 1u);
  EXPECT_EQ(db.bindings()[0].nid, Nid{0xb});
  // And the table version 2 added works.
  db.set_counter(Counter{.name = "datagrams_in", .value = 7, .updated_at = kT0});
  EXPECT_EQ(db.counter("datagrams_in")->value, 7u);
}

TEST(StoreDatabase, RefusesNewerVersionAndLeavesFileAlone) {
  TempDir tmp;
  { Database db(tmp.path()); }
  const fs::path file = tmp / "state.db";
  { raw(file).exec("PRAGMA user_version = 4"); }
  const std::string before = read_bytes(file);
  const std::string message = message_of([&] { Database db(tmp.path()); });
  EXPECT_NE(message.find(file.string()), std::string::npos) << message;
  EXPECT_NE(message.find("version 4"), std::string::npos) << message;
  EXPECT_NE(message.find("version 3"), std::string::npos) << message;
  EXPECT_EQ(read_bytes(file), before);
}

TEST(StoreDatabase, RefusesGarbageFileAndLeavesIt) {
  TempDir tmp;
  const fs::path file = tmp / "state.db";
  std::string garbage;
  for (int i = 0; i < 8192; ++i) garbage.push_back(static_cast<char>((i * 7919 + 13) % 251));
  write_bytes(file, garbage);
  const std::string message = message_of([&] { Database db(tmp.path()); });
  EXPECT_NE(message.find(file.string()), std::string::npos) << message;
  EXPECT_NE(message.find("not a database"), std::string::npos) << message;
  EXPECT_NE(message.find("untouched"), std::string::npos) << message;
  EXPECT_EQ(read_bytes(file), garbage);
  EXPECT_FALSE(fs::exists(tmp / "state.db-wal"));
}

TEST(StoreDatabase, RefusesDamagedPagesAndLeavesThem) {
  TempDir tmp;
  {
    Database db(tmp.path());
    for (std::uint64_t i = 0; i < 2000; ++i)
      db.record_binding(Binding{.nid = Nid{i}, .locator = Locator{i}, .learned_at = kT0, .expires_at = std::nullopt});
  }
  const fs::path file = tmp / "state.db";
  std::string bytes = read_bytes(file);
  ASSERT_GT(bytes.size(), 4u * 4096);
  for (std::size_t i = 2 * 4096; i < 4 * 4096; ++i) bytes[i] = static_cast<char>(0xA5);
  write_bytes(file, bytes);
  const std::string message = message_of([&] { Database db(tmp.path()); });
  EXPECT_NE(message.find(file.string()), std::string::npos) << message;
  EXPECT_NE(message.find("untouched"), std::string::npos) << message;
  EXPECT_EQ(read_bytes(file), bytes);
}

TEST(StoreDatabase, RefusesForeignSqliteFiles) {
  TempDir tmp;
  { raw(tmp / "state.db").exec("CREATE TABLE mine (x)"); }
  EXPECT_NE(message_of([&] { Database db(tmp.path()); }).find("not an ilnp state database"), std::string::npos);

  TempDir other;
  { raw(other / "state.db").exec("PRAGMA application_id = 1234"); }
  EXPECT_NE(message_of([&] { Database db(other.path()); }).find("application_id"), std::string::npos);
}

TEST(StoreDatabase, StateDirThatIsAFile) {
  TempDir tmp;
  write_bytes(tmp / "plain", "x");
  const std::string message = message_of([&] { Database db(tmp / "plain/state"); });
  EXPECT_NE(message.find((tmp / "plain").string() + "' exists"), std::string::npos) << message;
  EXPECT_NE(message.find("not a directory"), std::string::npos) << message;
}

TEST(StoreDatabase, UnwritableDirectory) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes through directory permissions";
  TempDir tmp;
  fs::create_directory(tmp / "ro");
  fs::permissions(tmp / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  const std::string message = message_of([&] { Database db(tmp / "ro"); });
  EXPECT_NE(message.find("not writable"), std::string::npos) << message;
  EXPECT_NE(message.find((tmp / "ro").string()), std::string::npos) << message;
  // A directory that cannot be created under it either.
  EXPECT_NE(message_of([&] { Database db(tmp / "ro/sub"); }).find("cannot create directory"), std::string::npos);
}

TEST(StoreDatabase, UnwritableFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes through file permissions";
  TempDir tmp;
  { Database db(tmp.path()); }
  fs::permissions(tmp / "state.db", fs::perms::owner_read);
  const std::string message = message_of([&] { Database db(tmp.path()); });
  EXPECT_NE(message.find("not writable"), std::string::npos) << message;
}

TEST(StoreDatabase, IdentityRoundTripAndNeverReplaced) {
  TempDir tmp;
  {
    Database db(tmp.path());
    EXPECT_FALSE(db.load_identity());
    db.save_identity(identity_a());
    auto again = identity_a();
    again.created_at = kT0 + 5s;  // the same keys: not another identity
    db.save_identity(again);

    auto other = identity_a();
    other.secret_key = {9, 9};
    other.nid = Nid{0xbeef};
    const std::string message = message_of([&] { db.save_identity(other); });
    EXPECT_NE(message.find("0:0:0:a"), std::string::npos) << message;
    EXPECT_NE(message.find("0:0:0:beef"), std::string::npos) << message;
    // Not by SQL either.
    EXPECT_THROW(db.connection().exec("UPDATE identity SET nid = '0:0:0:1'"), StoreError);
    EXPECT_THROW(db.connection().exec("DELETE FROM identity"), StoreError);
  }
  Database db(tmp.path());
  auto loaded = db.load_identity();
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->secret_key, identity_a().secret_key);
  EXPECT_EQ(loaded->public_key, identity_a().public_key);
  EXPECT_EQ(loaded->nid, Nid{0xa});
  EXPECT_EQ(loaded->created_at, kT0);
}

TEST(StoreDatabase, PeersRoundTripAndMerge) {
  TempDir tmp;
  const Nid b{0xffff'0000'0000'000bULL};  // top bit set: stored as text, not as a negative integer
  {
    Database db(tmp.path());
    db.note_peer(PeerSeen{.nid = b, .at = kT0 + 10s, .public_key = std::nullopt, .hostnames = {"mn"}});
    db.note_peer(PeerSeen{
        .nid = b, .at = kT0 + 5s, .public_key = std::vector<std::uint8_t>{1, 2}, .hostnames = {"alias", "mn"}});
    db.note_peer(PeerSeen{.nid = b, .at = kT0 + 20s, .public_key = std::vector<std::uint8_t>{3}, .hostnames = {}});
    db.note_peer(PeerSeen{.nid = Nid{0xc}, .at = kT0, .public_key = std::nullopt, .hostnames = {}});
  }
  Database db(tmp.path());
  auto p = db.peer(b);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->first_seen, kT0 + 5s);
  EXPECT_EQ(p->last_seen, kT0 + 20s);
  EXPECT_EQ(p->public_key, (std::vector<std::uint8_t>{1, 2}));  // the first key stays
  EXPECT_EQ(p->hostnames, (std::vector<std::string>{"alias", "mn"}));
  auto all = db.peers();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].nid, Nid{0xc});
  EXPECT_FALSE(all[0].public_key);
  EXPECT_TRUE(all[0].hostnames.empty());
  EXPECT_EQ(all[1], *p);
  EXPECT_FALSE(db.peer(Nid{0x99}));
  EXPECT_EQ(db.connection().query_int64("SELECT count(*) FROM peers WHERE nid = 'ffff:0:0:b'"), 1);

  EXPECT_EQ(db.forget_peers_not_seen_since(kT0 + 1s), 1u);
  EXPECT_EQ(db.peers().size(), 1u);
  EXPECT_EQ(db.forget_peers_not_seen_since(kT0 + 1000s), 1u);
  EXPECT_EQ(db.connection().query_int64("SELECT count(*) FROM peer_hostnames"), 0);  // cascaded
}

TEST(StoreDatabase, BindingsRoundTripAndExpiry) {
  TempDir tmp;
  const Binding discovered{.nid = Nid{2},
                           .locator = Locator{0x10},
                           .source = BindingSource::discovery,
                           .learned_at = kT0,
                           .expires_at = kT0 + 30s};
  const Binding updated{.nid = Nid{2},
                        .locator = Locator{0x20},
                        .source = BindingSource::locator_update,
                        .learned_at = kT0 + 1s,
                        .expires_at = kT0 + 60s};
  const Binding configured{.nid = Nid{1},
                           .locator = Locator{0x30},
                           .source = BindingSource::configuration,
                           .learned_at = kT0,
                           .expires_at = std::nullopt};
  {
    Database db(tmp.path());
    db.record_binding(updated);
    db.record_binding(discovered);
    db.record_binding(configured);
  }
  Database db(tmp.path());
  EXPECT_EQ(db.bindings(), (std::vector<Binding>{configured, discovered, updated}));
  EXPECT_EQ(db.live_bindings(kT0 + 29s), (std::vector<Binding>{configured, discovered, updated}));
  EXPECT_EQ(db.live_bindings(kT0 + 30s), (std::vector<Binding>{configured, updated}));
  EXPECT_EQ(db.live_bindings(kT0 + 3600s), (std::vector<Binding>{configured}));

  // Learned again: later facts replace, older ones do not.
  Binding refreshed = discovered;
  refreshed.learned_at = kT0 + 40s;
  refreshed.expires_at = kT0 + 70s;
  db.record_binding(refreshed);
  Binding stale = discovered;
  stale.learned_at = kT0 - 1s;
  stale.source = BindingSource::configuration;
  db.record_binding(stale);
  EXPECT_EQ(db.live_bindings(kT0 + 65s), (std::vector<Binding>{configured, refreshed}));

  EXPECT_EQ(db.delete_expired_bindings(kT0 + 60s), 1u);  // `updated` expired at exactly 60 s
  EXPECT_EQ(db.bindings(), (std::vector<Binding>{configured, refreshed}));
  // What `sqlite3 state.db` shows.
  auto q = db.connection().query("SELECT source FROM bindings WHERE nid = '0:0:0:1' AND locator = '0:0:0:30'");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.text_at(0), "configuration");
}

TEST(StoreDatabase, CountersRoundTrip) {
  TempDir tmp;
  {
    Database db(tmp.path());
    db.set_counter(Counter{.name = "forwarded", .value = 1, .updated_at = kT0});
    db.set_counter(Counter{.name = "forwarded", .value = 42, .updated_at = kT0 + 1s});
    db.set_counter(Counter{.name = "delivered", .value = ~0ULL, .updated_at = kT0});
  }
  Database db(tmp.path());
  EXPECT_EQ(db.counters(), (std::vector<Counter>{
                               {.name = "delivered", .value = 0x7fff'ffff'ffff'ffffULL, .updated_at = kT0},
                               {.name = "forwarded", .value = 42, .updated_at = kT0 + 1s},
                           }));
  EXPECT_FALSE(db.counter("nope"));
}

TEST(StoreDatabase, WriteIsAllOrNothing) {
  TempDir tmp;
  Database db(tmp.path());
  db.connection().exec(
      "CREATE TRIGGER refuse BEFORE INSERT ON counters WHEN NEW.name = 'bad' "
      "BEGIN SELECT RAISE(ABORT, 'refused'); END");
  const std::vector<StateRecord> batch{
      Binding{.nid = Nid{1}, .locator = Locator{1}, .learned_at = kT0, .expires_at = std::nullopt},
      PeerSeen{.nid = Nid{1}, .at = kT0, .public_key = std::nullopt, .hostnames = {"a"}},
      Counter{.name = "bad", .value = 1, .updated_at = kT0},
  };
  EXPECT_THROW(db.write(batch), StoreError);
  EXPECT_TRUE(db.bindings().empty());
  EXPECT_TRUE(db.peers().empty());
  db.write(std::span(batch).first(2));
  EXPECT_EQ(db.bindings().size(), 1u);
  EXPECT_EQ(db.peers().size(), 1u);
}

}  // namespace
}  // namespace ilnp::store
