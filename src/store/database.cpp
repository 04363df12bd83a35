// The state database's schema (every version, as migrations) and its typed
// accessors. Knows nothing of threads (StateWriter) or of the results file.
#include "ilnp/store/database.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <tuple>
#include <variant>

#include "ilnp/store/schema.hpp"

namespace ilnp::store {
namespace {

// Text columns hold NIDs and locators in the overlay's own notation, so that
// `sqlite3 state.db` shows what `ilnp ctl` shows. Times are unix microseconds.
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE identity (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  secret_key    BLOB NOT NULL,
  public_key    BLOB NOT NULL,
  nid           TEXT NOT NULL,
  created_at_us INTEGER NOT NULL
);
CREATE TRIGGER identity_never_replaced BEFORE UPDATE ON identity BEGIN
  SELECT RAISE(ABORT, 'the identity is never replaced: move state.db aside to start a new identity');
END;
CREATE TRIGGER identity_never_deleted BEFORE DELETE ON identity BEGIN
  SELECT RAISE(ABORT, 'the identity is never deleted: move state.db aside to start a new identity');
END;
CREATE TABLE peers (
  nid           TEXT PRIMARY KEY,
  public_key    BLOB,
  first_seen_us INTEGER NOT NULL,
  last_seen_us  INTEGER NOT NULL
);
CREATE TABLE peer_hostnames (
  nid      TEXT NOT NULL REFERENCES peers(nid) ON DELETE CASCADE,
  hostname TEXT NOT NULL,
  PRIMARY KEY (nid, hostname)
) WITHOUT ROWID;
CREATE TABLE bindings (
  nid           TEXT NOT NULL,
  locator       TEXT NOT NULL,
  source        TEXT NOT NULL CHECK (source IN ('discovery', 'locator_update', 'configuration')),
  learned_at_us INTEGER NOT NULL,
  expires_at_us INTEGER,
  PRIMARY KEY (nid, locator)
) WITHOUT ROWID;
)sql"},
    {2, R"sql(
CREATE TABLE counters (
  name          TEXT PRIMARY KEY,
  value         INTEGER NOT NULL,
  updated_at_us INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX bindings_by_expiry ON bindings(expires_at_us);
)sql"},
    // Pruning walks bindings and peers oldest first.
    {3, R"sql(
CREATE INDEX bindings_by_learned ON bindings(learned_at_us);
CREATE INDEX peers_by_last_seen ON peers(last_seen_us);
)sql"},
};
static_assert(std::size(kMigrations) == Database::kSchemaVersion);

constexpr SchemaSpec kSchema{
    .kind = "state database", .application_id = Database::kApplicationId, .migrations = kMigrations};

template <class T>
T parse_or_throw(const Connection& c, std::string_view column, const std::string& text) {
  if (auto v = T::parse(text)) return *v;
  throw StoreError("'" + c.path().string() + "': malformed " + std::string(column) + " '" + text + "'");
}

std::int64_t clamp_to_int64(std::uint64_t v) {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(std::min(v, kMax));
}

constexpr std::string_view kSelectBindings = "SELECT nid, locator, source, learned_at_us, expires_at_us FROM bindings";
constexpr std::string_view kSelectLiveBindings =
    "SELECT nid, locator, source, learned_at_us, expires_at_us FROM bindings"
    " WHERE expires_at_us IS NULL OR expires_at_us > ?1";

Binding read_binding(const Connection& c, const Query& q) {
  const std::string source_text = q.text_at(2);
  auto source = parse_binding_source(source_text);
  if (!source) throw StoreError("'" + c.path().string() + "': unknown binding source '" + source_text + "'");
  return Binding{
      .nid = parse_or_throw<Nid>(c, "NID", q.text_at(0)),
      .locator = parse_or_throw<Locator>(c, "locator", q.text_at(1)),
      .source = *source,
      .learned_at = from_unix_us(q.int64_at(3)),
      .expires_at = q.is_null(4) ? std::nullopt : std::optional(from_unix_us(q.int64_at(4))),
  };
}

void sort_bindings(std::vector<Binding>& bindings) {
  std::sort(bindings.begin(), bindings.end(),
            [](const Binding& a, const Binding& b) { return std::tie(a.nid, a.locator) < std::tie(b.nid, b.locator); });
}

}  // namespace

Database::Database(const std::filesystem::path& state_dir)
    : connection_(open_with_schema(state_dir / kFileName, kSchema, FileModes{.directory = 0700, .file = 0600})) {}

// ---- identity ----

void Database::save_identity(const Identity& identity) {
  Transaction t(connection_);
  if (auto existing = load_identity()) {
    if (existing->same_keys(identity)) return;
    throw StoreError("'" + path().string() + "' already holds the identity of NID " + existing->nid.to_string() +
                     "; refusing to replace it with another identity (NID " + identity.nid.to_string() +
                     "). Move the file aside to start a new identity.");
  }
  connection_.query("INSERT INTO identity (id, secret_key, public_key, nid, created_at_us) VALUES (1, ?1, ?2, ?3, ?4)")
      .bind_blob(1, identity.secret_key)
      .bind_blob(2, identity.public_key)
      .bind(3, identity.nid.to_string())
      .bind(4, to_unix_us(identity.created_at))
      .run();
  t.commit();
}

std::optional<Identity> Database::load_identity() {
  auto q = connection_.query("SELECT secret_key, public_key, nid, created_at_us FROM identity WHERE id = 1");
  if (!q.step()) return std::nullopt;
  return Identity{
      .secret_key = q.blob_at(0),
      .public_key = q.blob_at(1),
      .nid = parse_or_throw<Nid>(connection_, "identity NID", q.text_at(2)),
      .created_at = from_unix_us(q.int64_at(3)),
  };
}

// ---- peers ----

void Database::note_peer(const PeerSeen& seen) {
  Transaction t(connection_);
  apply(seen);
  t.commit();
}

void Database::apply(const PeerSeen& seen) {
  const std::string nid = seen.nid.to_string();
  {
    // A public key, once known, stays: a different one for the same NID is
    // not taken on the word of a record.
    auto q = connection_.query(R"sql(
INSERT INTO peers (nid, public_key, first_seen_us, last_seen_us) VALUES (?1, ?2, ?3, ?3)
ON CONFLICT (nid) DO UPDATE SET
  public_key    = coalesce(peers.public_key, excluded.public_key),
  first_seen_us = min(peers.first_seen_us, excluded.first_seen_us),
  last_seen_us  = max(peers.last_seen_us, excluded.last_seen_us))sql");
    q.bind(1, nid).bind(3, to_unix_us(seen.at));
    if (seen.public_key)
      q.bind_blob(2, *seen.public_key);
    else
      q.bind_null(2);
    q.run();
  }
  for (const std::string& hostname : seen.hostnames)
    connection_.query("INSERT OR IGNORE INTO peer_hostnames (nid, hostname) VALUES (?1, ?2)")
        .bind(1, nid)
        .bind(2, hostname)
        .run();
}

std::vector<Peer> Database::read_peers(std::optional<Nid> only) {
  // One statement, so one snapshot; rows of a peer arrive together, hostnames sorted.
  auto q = connection_.query(R"sql(
SELECT p.nid, p.public_key, p.first_seen_us, p.last_seen_us, h.hostname
FROM peers p LEFT JOIN peer_hostnames h ON h.nid = p.nid
WHERE ?1 IS NULL OR p.nid = ?1
ORDER BY p.nid, h.hostname)sql");
  if (only)
    q.bind(1, only->to_string());
  else
    q.bind_null(1);
  std::vector<Peer> peers;
  std::string current;
  while (q.step()) {
    std::string nid_text = q.text_at(0);
    if (peers.empty() || nid_text != current) {
      peers.push_back(Peer{
          .nid = parse_or_throw<Nid>(connection_, "peer NID", nid_text),
          .public_key = q.is_null(1) ? std::nullopt : std::optional(q.blob_at(1)),
          .hostnames = {},
          .first_seen = from_unix_us(q.int64_at(2)),
          .last_seen = from_unix_us(q.int64_at(3)),
      });
      current = std::move(nid_text);
    }
    if (!q.is_null(4)) peers.back().hostnames.push_back(q.text_at(4));
  }
  std::sort(peers.begin(), peers.end(), [](const Peer& a, const Peer& b) { return a.nid < b.nid; });
  return peers;
}

std::optional<Peer> Database::peer(Nid nid) {
  auto found = read_peers(nid);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<Peer> Database::peers() { return read_peers(std::nullopt); }

std::size_t Database::forget_peers_not_seen_since(WallTime t) {
  connection_.query("DELETE FROM peers WHERE last_seen_us < ?1").bind(1, to_unix_us(t)).run();
  return static_cast<std::size_t>(connection_.changes());
}

// ---- bindings ----

void Database::record_binding(const Binding& binding) { apply(binding); }

void Database::apply(const Binding& binding) {
  auto q = connection_.query(R"sql(
INSERT INTO bindings (nid, locator, source, learned_at_us, expires_at_us) VALUES (?1, ?2, ?3, ?4, ?5)
ON CONFLICT (nid, locator) DO UPDATE SET
  source = excluded.source, learned_at_us = excluded.learned_at_us, expires_at_us = excluded.expires_at_us
WHERE excluded.learned_at_us >= bindings.learned_at_us)sql");
  q.bind(1, binding.nid.to_string())
      .bind(2, binding.locator.to_string())
      .bind(3, to_string(binding.source))
      .bind(4, to_unix_us(binding.learned_at));
  if (binding.expires_at)
    q.bind(5, to_unix_us(*binding.expires_at));
  else
    q.bind_null(5);
  q.run();
}

std::vector<Binding> Database::bindings() {
  auto q = connection_.query(kSelectBindings);
  std::vector<Binding> out;
  while (q.step()) out.push_back(read_binding(connection_, q));
  sort_bindings(out);
  return out;
}

std::vector<Binding> Database::live_bindings(WallTime t, std::size_t limit) {
  auto q = connection_.query(std::string(kSelectLiveBindings) + " ORDER BY learned_at_us DESC LIMIT ?2");
  q.bind(1, to_unix_us(t)).bind(2, clamp_to_int64(limit));
  std::vector<Binding> out;
  while (q.step()) out.push_back(read_binding(connection_, q));
  sort_bindings(out);
  return out;
}

std::size_t Database::delete_expired_bindings(WallTime t) {
  connection_.query("DELETE FROM bindings WHERE expires_at_us IS NOT NULL AND expires_at_us <= ?1")
      .bind(1, to_unix_us(t))
      .run();
  return static_cast<std::size_t>(connection_.changes());
}

// ---- pruning ----

PruneResult Database::prune(WallTime t, const StoreLimits& limits) {
  PruneResult r;
  Transaction tx(connection_);
  r.expired_bindings = delete_expired_bindings(t);
  // A NID keeps its newest locators only: a key that signs update after
  // update with fresh locators cannot fill the table on its own.
  connection_
      .query(R"sql(
DELETE FROM bindings WHERE (nid, locator) IN (
  SELECT nid, locator FROM (
    SELECT nid, locator, row_number() OVER (PARTITION BY nid ORDER BY learned_at_us DESC) AS n FROM bindings)
  WHERE n > ?1))sql")
      .bind(1, clamp_to_int64(limits.max_bindings_per_nid))
      .run();
  r.capped_bindings = static_cast<std::size_t>(connection_.changes());
  connection_
      .query(R"sql(
DELETE FROM bindings WHERE (nid, locator) IN (
  SELECT nid, locator FROM bindings ORDER BY learned_at_us DESC LIMIT -1 OFFSET ?1))sql")
      .bind(1, clamp_to_int64(limits.max_bindings))
      .run();
  r.capped_bindings += static_cast<std::size_t>(connection_.changes());
  // Peers with a live binding stay; of the rest, the least recently seen go
  // first, once they are older than peer_ttl or the table is over its cap.
  constexpr std::string_view kIdle = "NOT EXISTS (SELECT 1 FROM bindings b WHERE b.nid = peers.nid)";
  connection_.query("DELETE FROM peers WHERE last_seen_us < ?1 AND " + std::string(kIdle))
      .bind(1, to_unix_us(t - limits.peer_ttl))
      .run();
  r.forgotten_peers = static_cast<std::size_t>(connection_.changes());
  connection_
      .query(R"sql(
DELETE FROM peers WHERE nid IN (
  SELECT nid FROM peers ORDER BY )sql" + std::string(kIdle) + R"sql(, last_seen_us DESC LIMIT -1 OFFSET ?1))sql")
      .bind(1, clamp_to_int64(limits.max_peers))
      .run();
  r.forgotten_peers += static_cast<std::size_t>(connection_.changes());
  // Hostnames of forgotten peers (no foreign key enforcement is relied on),
  // and at most max_hostnames_per_peer per peer.
  connection_.exec("DELETE FROM peer_hostnames WHERE nid NOT IN (SELECT nid FROM peers)");
  connection_
      .query(R"sql(
DELETE FROM peer_hostnames WHERE (nid, hostname) IN (
  SELECT nid, hostname FROM (
    SELECT nid, hostname, row_number() OVER (PARTITION BY nid ORDER BY hostname) AS n FROM peer_hostnames)
  WHERE n > ?1))sql")
      .bind(1, clamp_to_int64(limits.max_hostnames_per_peer))
      .run();
  tx.commit();
  // Hand freed pages back to the file system (a no-op on files created
  // before auto_vacuum was set: there SQLite reuses them instead).
  connection_.exec("PRAGMA incremental_vacuum");
  return r;
}

// ---- counters ----

void Database::set_counter(const Counter& counter) { apply(counter); }

void Database::apply(const Counter& counter) {
  connection_
      .query(R"sql(
INSERT INTO counters (name, value, updated_at_us) VALUES (?1, ?2, ?3)
ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at_us = excluded.updated_at_us)sql")
      .bind(1, counter.name)
      .bind(2, clamp_to_int64(counter.value))
      .bind(3, to_unix_us(counter.updated_at))
      .run();
}

std::optional<Counter> Database::counter(std::string_view name) {
  auto q = connection_.query("SELECT name, value, updated_at_us FROM counters WHERE name = ?1");
  q.bind(1, name);
  if (!q.step()) return std::nullopt;
  return Counter{.name = q.text_at(0),
                 .value = static_cast<std::uint64_t>(q.int64_at(1)),
                 .updated_at = from_unix_us(q.int64_at(2))};
}

std::vector<Counter> Database::counters() {
  auto q = connection_.query("SELECT name, value, updated_at_us FROM counters ORDER BY name");
  std::vector<Counter> out;
  while (q.step())
    out.push_back(Counter{.name = q.text_at(0),
                          .value = static_cast<std::uint64_t>(q.int64_at(1)),
                          .updated_at = from_unix_us(q.int64_at(2))});
  return out;
}

// ---- batches ----

void Database::write(std::span<const StateRecord> records) {
  Transaction t(connection_);
  for (const StateRecord& r : records) std::visit([this](const auto& record) { apply(record); }, r);
  t.commit();
}

}  // namespace ilnp::store
