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
  // True when `value` is not older than the last accepted one (discovery:
  // equal is a re-flood of the same message) or newer (updates: strictly).
  [[nodiscard]] bool is_fresh(Nid nid, Freshness kind, std::uint64_t value) const {
    auto it = peers_.find(nid);
    if (it == peers_.end()) return true;
    return kind == Freshness::discovery ? value >= it->second.last_discovery : value > it->second.last_update;
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
