// Remembers recently re-flooded discovery messages so that routers joined to
// the same locators do not bounce them back and forth until the hop limit.
#pragma once

#include <cstdint>
#include <deque>
#include <unordered_set>

#include "ilnp/core/time.hpp"
#include "ilnp/core/wire/bytes.hpp"

namespace ilnp::forwarding {

class FloodFilter {
 public:
  static constexpr std::size_t kMaxEntries = 1024;
  static constexpr Duration kWindow = std::chrono::seconds(2);

  // True the first time a message is seen within the window.
  bool first_sighting(std::uint64_t source_nid, wire::Bytes payload, Instant now);

 private:
  struct Entry {
    std::uint64_t key;
    Instant seen;
  };
  std::deque<Entry> order_;
  std::unordered_set<std::uint64_t> keys_;
};

}  // namespace ilnp::forwarding
