// The nodes this node exchanged data with recently: who must hear of a move.
// Keyed by NID (a correspondent that moves stays the same correspondent).
#pragma once

#include <cstddef>
#include <map>
#include <vector>

#include "ilnp/core/time.hpp"
#include "ilnp/core/types.hpp"

namespace ilnp::mobility {

class Correspondents {
 public:
  static constexpr std::size_t kMaxCorrespondents = 1024;

  explicit Correspondents(Duration ttl) : ttl_(ttl) {}

  // Data went to or came from `peer`.
  void touch(Ilv peer, Instant now);
  // Where a known correspondent now is (after its locator update).
  void relocate(Nid nid, Locator locator);
  // Those active within the ttl, oldest entries dropped on the way.
  [[nodiscard]] std::vector<Ilv> active(Instant now);
  [[nodiscard]] const std::map<Nid, std::pair<Locator, Instant>>& all() const { return peers_; }

 private:
  Duration ttl_;
  std::map<Nid, std::pair<Locator, Instant>> peers_;
};

}  // namespace ilnp::mobility
