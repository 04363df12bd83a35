// The node's state database, `state.db` in its state directory: identity,
// peers, bindings, counters. Startup and background use only: the packet path
// never calls it (it goes through StateWriter). Knows nothing of the core.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "ilnp/store/records.hpp"
#include "ilnp/store/sqlite.hpp"

namespace ilnp::store {

// Errors are StoreError exceptions carrying SQLite's message and the file's
// name. Not thread-safe: one thread at a time (a second Database on the same
// directory, e.g. in another thread, is fine: WAL lets readers and one writer
// work side by side, and the busy timeout makes writers take turns).
class Database {
 public:
  static constexpr std::string_view kFileName = "state.db";
  static constexpr int kSchemaVersion = 3;
  static constexpr std::int32_t kApplicationId = 0x494c4e50;  // "ILNP"

  // Opens `state_dir`/state.db, creating the directory (0700) and the file
  // (0600) if missing, and migrating an older schema forward. Refuses, with a
  // message naming the file, a newer schema, a corrupt or unreadable file and
  // an unwritable one; it never deletes or overwrites an existing file.
  explicit Database(const std::filesystem::path& state_dir);

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return connection_.path(); }
  // For transactions spanning several calls, and for tests.
  [[nodiscard]] Connection& connection() noexcept { return connection_; }

  // ---- identity (one row) ----
  // Stores `identity` if there is none; does nothing if the same keys are
  // already stored; throws StoreError if a different identity is stored.
  void save_identity(const Identity& identity);
  [[nodiscard]] std::optional<Identity> load_identity();

  // ---- peers ----
  void note_peer(const PeerSeen& seen);
  [[nodiscard]] std::optional<Peer> peer(Nid nid);
  // Ordered by NID.
  [[nodiscard]] std::vector<Peer> peers();
  // Eviction: forgets peers last seen before `t` (and their hostnames).
  std::size_t forget_peers_not_seen_since(WallTime t);

  // ---- bindings ----
  // Inserts or updates the (nid, locator) row; an older learned_at than the
  // stored one changes nothing.
  void record_binding(const Binding& binding);
  // Ordered by NID, then locator.
  [[nodiscard]] std::vector<Binding> bindings();
  // that have not expired at `t` (expires_at > t, or never); at most
  // `limit`, the most recently learned.
  [[nodiscard]] std::vector<Binding> live_bindings(WallTime t, std::size_t limit = SIZE_MAX);
  // Eviction: deletes bindings that expired at or before `t`.
  std::size_t delete_expired_bindings(WallTime t);

  // ---- pruning ----
  // Deletes expired bindings, then caps bindings (per NID and in all, oldest
  // learned first), peers (those without a binding, least recently seen
  // first) and hostnames per peer. One transaction, then returns free pages.
  PruneResult prune(WallTime t, const StoreLimits& limits);

  // ---- counters ----
  void set_counter(const Counter& counter);
  [[nodiscard]] std::optional<Counter> counter(std::string_view name);
  // Ordered by name.
  [[nodiscard]] std::vector<Counter> counters();

  // Writes all of `records` in one transaction: all or nothing.
  void write(std::span<const StateRecord> records);

 private:
  void apply(const Binding& binding);
  void apply(const PeerSeen& seen);
  void apply(const Counter& counter);
  [[nodiscard]] std::vector<Peer> read_peers(std::optional<Nid> only);

  Connection connection_;
};

}  // namespace ilnp::store
