// The node's durable facts as plain values: identity, peers, identifier-locator
// bindings, counters. Knows nothing of SQL, threads or the protocol core's clock.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ilnp/core/types.hpp"

namespace ilnp::store {

// Wall-clock time, microseconds since the Unix epoch (stored as such, an
// INTEGER column named *_us). Never the core's Instant, which is monotonic and
// means nothing after a restart.
using WallTime = std::chrono::sys_time<std::chrono::microseconds>;

[[nodiscard]] constexpr std::int64_t to_unix_us(WallTime t) { return t.time_since_epoch().count(); }
[[nodiscard]] constexpr WallTime from_unix_us(std::int64_t us) { return WallTime(std::chrono::microseconds(us)); }
// Rounds a system_clock reading down to the store's resolution.
[[nodiscard]] inline WallTime to_wall_time(std::chrono::system_clock::time_point t) {
  return std::chrono::floor<std::chrono::microseconds>(t);
}

// This node's keys. There is at most one, and it is never replaced silently.
struct Identity {
  std::vector<std::uint8_t> secret_key;
  std::vector<std::uint8_t> public_key;
  Nid nid;
  WallTime created_at;
  // Same keys and NID; when it was created does not make another identity.
  [[nodiscard]] bool same_keys(const Identity& other) const {
    return secret_key == other.secret_key && public_key == other.public_key && nid == other.nid;
  }
};

// A correspondent as remembered.
struct Peer {
  Nid nid;
  std::optional<std::vector<std::uint8_t>> public_key;  // once known, never replaced
  std::vector<std::string> hostnames;                   // sorted
  WallTime first_seen;
  WallTime last_seen;
  bool operator==(const Peer&) const = default;
};

// "We heard from this peer at `at`": widens first/last seen, adds hostnames,
// and sets the public key if none was known.
struct PeerSeen {
  Nid nid;
  WallTime at;
  std::optional<std::vector<std::uint8_t>> public_key;
  std::vector<std::string> hostnames;
};

enum class BindingSource { discovery, locator_update, configuration };

[[nodiscard]] std::string_view to_string(BindingSource source);
[[nodiscard]] std::optional<BindingSource> parse_binding_source(std::string_view text);

// Identifier-locator binding: `nid` was reachable at `locator`. One row per
// (nid, locator); learning it again updates source, learned_at and expires_at.
struct Binding {
  Nid nid;
  Locator locator;
  BindingSource source{BindingSource::discovery};
  WallTime learned_at;
  std::optional<WallTime> expires_at;  // nullopt: never (configuration)
  bool operator==(const Binding&) const = default;
  // Usable at `t`: expires strictly after t, or never.
  [[nodiscard]] bool live_at(WallTime t) const { return !expires_at || *expires_at > t; }
};

// A snapshot of one named counter (values above 2^63-1 are stored as 2^63-1).
struct Counter {
  std::string name;
  std::uint64_t value{0};
  WallTime updated_at;
  bool operator==(const Counter&) const = default;
};

// Caps on the state database (style rule 4: every table has a cap, a TTL and
// an eviction rule). The counters table holds a fixed set of names.
struct StoreLimits {
  std::size_t max_bindings{8192};
  std::size_t max_bindings_per_nid{16};  // a locator update carries at most 16 locators
  std::size_t max_peers{4096};
  std::size_t max_hostnames_per_peer{4};
  std::chrono::hours peer_ttl{24 * 7};  // a peer with no binding is forgotten after this
};

struct PruneResult {
  std::size_t expired_bindings{0};
  std::size_t capped_bindings{0};
  std::size_t forgotten_peers{0};
  [[nodiscard]] std::size_t total() const { return expired_bindings + capped_bindings + forgotten_peers; }
};

// What the node's event loop hands to the StateWriter.
using StateRecord = std::variant<Binding, PeerSeen, Counter>;

}  // namespace ilnp::store
