#include "ilnp/core/tun/peer_traffic.hpp"

#include <algorithm>

namespace ilnp::tun {

void PeerTraffic::note(Nid peer, Instant now, std::size_t bytes, bool out) {
  auto it = peers_.find(peer);
  if (it == peers_.end()) {
    if (peers_.size() >= kMaxPeers)
      peers_.erase(std::min_element(peers_.begin(), peers_.end(),
                                    [](const auto& a, const auto& b) { return a.second.last < b.second.last; }));
    it = peers_.emplace(peer, PeerIpTraffic{}).first;
  }
  auto& t = it->second;
  ++(out ? t.packets_out : t.packets_in);
  (out ? t.bytes_out : t.bytes_in) += bytes;
  t.last = now;
}

std::vector<std::pair<Nid, PeerIpTraffic>> PeerTraffic::by_recency() const {
  std::vector<std::pair<Nid, PeerIpTraffic>> out(peers_.begin(), peers_.end());
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second.last > b.second.last; });
  return out;
}

}  // namespace ilnp::tun
