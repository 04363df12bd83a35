// What a secure node knows of other secure nodes: NID -> public key (only
// from messages whose signature verified), and the freshest timestamp or
// sequence seen from each, so a replayed or reordered old message is refused.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "ilnp/core/security/identity.hpp"
#include "ilnp/core/time.hpp"

namespace ilnp::security {

enum class Freshness { discovery, update };
// Where a signed locator update's sequence stands against the last accepted one.
enum class UpdateOrder { newer, same, older };

// Capped at kMaxPeers. An entry lapses `ttl` after it was last useful (an
// accepted message, a sealed datagram opened, a datagram sent to it), as the
// names and bindings that need its key do. A full table evicts the least
// recently useful stranger (a key only ever seen in discovery) for a
// newcomer; peers we talked to (`talked_to`) are never evicted for one, so a
// flood of fresh keys cannot push real peers out nor lock newcomers out for
// good: the flood's own keys are strangers and make room for the next.
class PeerKeys {
 public:
  static constexpr std::size_t kMaxPeers = 1024;

  explicit PeerKeys(Duration ttl = std::chrono::seconds(30)) : ttl_(ttl) {}

  // False only when the table is full of peers we talked to and `nid` is new.
  bool learn(Nid nid, const PublicKey& key, Instant now);
  // A peer we exchanged authenticated traffic with (or a pinned key): kept
  // over strangers when the table is full.
  void talked_to(Nid nid, Instant now);
  // Its key is still needed (a datagram sent to it, a name resolved).
  void used(Nid nid, Instant now);

  [[nodiscard]] std::optional<PublicKey> key_of(Nid nid) const {
    auto it = peers_.find(nid);
    if (it == peers_.end() || !it->second.key) return std::nullopt;
    return it->second.key;
  }
  // True when a signed advertisement's timestamp is not older than the last
  // accepted one (equal: a re-flood of the same message).
  [[nodiscard]] bool is_fresh_discovery(Nid nid, std::uint64_t timestamp) const {
    auto it = peers_.find(nid);
    return it == peers_.end() || timestamp >= it->second.last_discovery;
  }
  // True when it is strictly newer: the first copy of a new advertisement.
  [[nodiscard]] bool is_new_discovery(Nid nid, std::uint64_t timestamp) const {
    auto it = peers_.find(nid);
    return it == peers_.end() || timestamp > it->second.last_discovery;
  }
  // `same` is a retransmission (acknowledge again), `older` a replay.
  [[nodiscard]] UpdateOrder order_of_update(Nid nid, std::uint64_t sequence) const {
    auto it = peers_.find(nid);
    if (it == peers_.end() || sequence > it->second.last_update) return UpdateOrder::newer;
    return sequence == it->second.last_update ? UpdateOrder::same : UpdateOrder::older;
  }
  void accepted(Nid nid, Freshness kind, std::uint64_t value) {
    auto it = peers_.find(nid);
    if (it != peers_.end()) (kind == Freshness::discovery ? it->second.last_discovery : it->second.last_update) = value;
  }

  // Removes entries not useful for ttl; returns how many.
  std::size_t expire(Instant now);
  [[nodiscard]] Instant next_deadline() const { return next_deadline_; }
  [[nodiscard]] std::size_t size() const { return peers_.size(); }
  [[nodiscard]] std::uint64_t evicted() const { return evicted_; }
  [[nodiscard]] bool is_talked_to(Nid nid) const {
    auto it = peers_.find(nid);
    return it != peers_.end() && it->second.talked_to;
  }

 private:
  struct Entry {
    std::optional<PublicKey> key;
    std::uint64_t last_discovery{0};
    std::uint64_t last_update{0};
    Instant useful{};
    bool talked_to{false};
  };
  bool evict_stranger();

  Duration ttl_;
  std::map<Nid, Entry> peers_;
  Instant next_deadline_{kNever};
  std::uint64_t evicted_{0};
};

}  // namespace ilnp::security
