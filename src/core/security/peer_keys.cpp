// The peer-key table's cap, expiry and eviction (include/ilnp/core/security/
// peer_keys.hpp); knows nothing of messages or signatures.
#include "ilnp/core/security/peer_keys.hpp"

#include <algorithm>

namespace ilnp::security {

bool PeerKeys::learn(Nid nid, const PublicKey& key, Instant now) {
  auto it = peers_.find(nid);
  if (it == peers_.end()) {
    if (peers_.size() >= kMaxPeers && !evict_stranger()) return false;
    it = peers_.emplace(nid, Entry{}).first;
  }
  it->second.key = key;
  it->second.useful = std::max(it->second.useful, now);
  next_deadline_ = std::min(next_deadline_, it->second.useful + ttl_);
  return true;
}

void PeerKeys::talked_to(Nid nid, Instant now) {
  auto it = peers_.find(nid);
  if (it == peers_.end()) return;
  it->second.talked_to = true;
  it->second.useful = std::max(it->second.useful, now);
}

void PeerKeys::used(Nid nid, Instant now) {
  if (auto it = peers_.find(nid); it != peers_.end()) it->second.useful = std::max(it->second.useful, now);
}

bool PeerKeys::evict_stranger() {
  // Linear, but only when full and a verified newcomer arrives.
  auto victim = peers_.end();
  for (auto it = peers_.begin(); it != peers_.end(); ++it)
    if (!it->second.talked_to && (victim == peers_.end() || it->second.useful < victim->second.useful)) victim = it;
  if (victim == peers_.end()) return false;
  peers_.erase(victim);
  ++evicted_;
  return true;
}

std::size_t PeerKeys::expire(Instant now) {
  if (now < next_deadline_) return 0;
  std::size_t removed = 0;
  next_deadline_ = kNever;
  for (auto it = peers_.begin(); it != peers_.end();) {
    if (now - it->second.useful >= ttl_) {
      it = peers_.erase(it);
      ++removed;
    } else {
      next_deadline_ = std::min(next_deadline_, it->second.useful + ttl_);
      ++it;
    }
  }
  return removed;
}

}  // namespace ilnp::security
