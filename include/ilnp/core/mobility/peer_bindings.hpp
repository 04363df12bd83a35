// Identifier -> locators learned from correspondents' locator updates: where
// to send to a NID that has moved, whatever locator the application named.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <vector>

#include "ilnp/core/time.hpp"
#include "ilnp/core/types.hpp"

namespace ilnp::mobility {

class PeerBindings {
 public:
  static constexpr std::size_t kMaxPeers = 1024;

  explicit PeerBindings(Duration ttl) : ttl_(ttl) {}

  void bind(Nid nid, std::vector<Locator> locators, Instant now) {
    if (!peers_.contains(nid) && peers_.size() >= kMaxPeers) peers_.erase(peers_.begin());
    peers_[nid] = Entry{std::move(locators), now};
  }
  // The locator to use for `destination`: its own if still bound, else the
  // first locator of the peer's latest update.
  [[nodiscard]] Locator locator_for(Ilv destination, Instant now) const {
    auto it = peers_.find(destination.nid);
    if (it == peers_.end() || now - it->second.updated >= ttl_) return destination.locator;
    for (auto l : it->second.locators)
      if (l == destination.locator) return l;
    return it->second.locators.front();
  }
  // The first locator of the peer's latest update, while it lasts.
  [[nodiscard]] std::optional<Locator> latest(Nid nid, Instant now) const {
    auto it = peers_.find(nid);
    if (it == peers_.end() || now - it->second.updated >= ttl_) return std::nullopt;
    return it->second.locators.front();
  }
  [[nodiscard]] std::size_t size() const { return peers_.size(); }

 private:
  struct Entry {
    std::vector<Locator> locators;
    Instant updated;
  };
  Duration ttl_;
  std::map<Nid, Entry> peers_;
};

}  // namespace ilnp::mobility
