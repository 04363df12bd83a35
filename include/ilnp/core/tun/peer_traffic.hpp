// IP packets to and from each peer over the TUN, for `ilnp ctl status`.
// Bounded: past kMaxPeers the least recently active peer is forgotten, so a
// stream of packets to made-up identifiers cannot grow it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "ilnp/core/time.hpp"
#include "ilnp/core/types.hpp"

namespace ilnp::tun {

struct PeerIpTraffic {
  std::uint64_t packets_out{0};
  std::uint64_t bytes_out{0};
  std::uint64_t packets_in{0};
  std::uint64_t bytes_in{0};
  Instant last{};
};

class PeerTraffic {
 public:
  static constexpr std::size_t kMaxPeers = 256;

  void sent(Nid peer, std::size_t bytes, Instant now) { note(peer, now, bytes, true); }
  void received(Nid peer, std::size_t bytes, Instant now) { note(peer, now, bytes, false); }
  // Most recently active first.
  [[nodiscard]] std::vector<std::pair<Nid, PeerIpTraffic>> by_recency() const;
  [[nodiscard]] std::size_t size() const { return peers_.size(); }

 private:
  void note(Nid peer, Instant now, std::size_t bytes, bool out);

  std::map<Nid, PeerIpTraffic> peers_;
};

}  // namespace ilnp::tun
