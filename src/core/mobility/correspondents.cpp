// Active-session bookkeeping with a cap; the least recently active is evicted.
#include "ilnp/core/mobility/correspondents.hpp"

#include <algorithm>

namespace ilnp::mobility {

void Correspondents::touch(Ilv peer, Instant now) {
  auto it = peers_.find(peer.nid);
  if (it != peers_.end()) {
    it->second = {peer.locator, now};
    return;
  }
  if (peers_.size() >= kMaxCorrespondents) {
    auto oldest = std::min_element(peers_.begin(), peers_.end(),
                                   [](const auto& a, const auto& b) { return a.second.second < b.second.second; });
    peers_.erase(oldest);
  }
  peers_.emplace(peer.nid, std::make_pair(peer.locator, now));
}

void Correspondents::relocate(Nid nid, Locator locator) {
  if (auto it = peers_.find(nid); it != peers_.end()) it->second.first = locator;
}

std::vector<Ilv> Correspondents::active(Instant now) {
  std::erase_if(peers_, [&](const auto& p) { return now - p.second.second >= ttl_; });
  std::vector<Ilv> out;
  for (const auto& [nid, entry] : peers_) out.push_back(Ilv{entry.first, nid});
  return out;
}

}  // namespace ilnp::mobility
