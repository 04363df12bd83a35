// Remembers fingerprints of recent packets for a short window. Used to stop
// routers bouncing re-flooded discovery messages until the hop limit runs out,
// and to suppress the second copy of a datagram during a soft handoff (once
// directly on the new link, once through a router on the old one).
#pragma once

#include <cstdint>
#include <deque>
#include <unordered_set>

#include "ilnp/core/time.hpp"
#include "ilnp/core/wire/bytes.hpp"

namespace ilnp::forwarding {

class DuplicateFilter {
 public:
  static constexpr std::size_t kMaxEntries = 1024;

  explicit DuplicateFilter(Duration window) : window_(window) {}

  // True the first time (source, payload) is seen within the window.
  bool first_sighting(std::uint64_t source_nid, wire::Bytes payload, Instant now);

 private:
  struct Entry {
    std::uint64_t key;
    Instant seen;
  };
  Duration window_;
  std::deque<Entry> order_;
  std::unordered_set<std::uint64_t> keys_;
};

}  // namespace ilnp::forwarding
