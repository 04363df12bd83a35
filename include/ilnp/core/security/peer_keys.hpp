// What a secure node knows of other secure nodes: NID -> public key (only
// from messages whose signature verified), and the freshest timestamp or
// sequence seen from each, so a replayed or reordered old message is refused.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "ilnp/core/security/identity.hpp"

namespace ilnp::security {

enum class Freshness { discovery, update };
// Where a signed locator update's sequence stands against the last accepted one.
enum class UpdateOrder { newer, same, older };

class PeerKeys {
 public:
  static constexpr std::size_t kMaxPeers = 1024;

  // False when the table is full and `nid` is new: newcomers are refused
  // rather than known peers evicted (an attacker with many keys must not push
  // a real peer out and take its place).
  bool learn(Nid nid, const PublicKey& key) {
    auto* e = entry(nid);
    if (!e) return false;
    e->key = key;
    return true;
  }
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
  // `same` is a retransmission (acknowledge again), `older` a replay.
  [[nodiscard]] UpdateOrder order_of_update(Nid nid, std::uint64_t sequence) const {
    auto it = peers_.find(nid);
    if (it == peers_.end() || sequence > it->second.last_update) return UpdateOrder::newer;
    return sequence == it->second.last_update ? UpdateOrder::same : UpdateOrder::older;
  }
  void accepted(Nid nid, Freshness kind, std::uint64_t value) {
    if (auto* e = entry(nid)) (kind == Freshness::discovery ? e->last_discovery : e->last_update) = value;
  }
  [[nodiscard]] std::size_t size() const { return peers_.size(); }

 private:
  struct Entry {
    std::optional<PublicKey> key;
    std::uint64_t last_discovery{0};
    std::uint64_t last_update{0};
  };
  Entry* entry(Nid nid) {
    if (!peers_.contains(nid) && peers_.size() >= kMaxPeers) return nullptr;
    return &peers_[nid];
  }
  std::map<Nid, Entry> peers_;
};

}  // namespace ilnp::security
