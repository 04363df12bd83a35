// Backwards-learning table: remote locator -> the joined locator it is reached
// through. Owns learning (preferring the shortest way), expiry and keep-alive
// of routes in use; knows nothing of packets or sockets.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <vector>

#include "ilnp/core/time.hpp"
#include "ilnp/core/types.hpp"

namespace ilnp::forwarding {

struct Route {
  Locator destination;
  Locator via;        // a locator we are joined to
  Instant learned{};  // last time a packet taught or confirmed it
  Instant used{};     // last time we sent along it
  // The highest hop limit recently seen on `via` (fewest hops travelled), and
  // when a packet last arrived with it: the route's length and its proof.
  std::uint8_t hops_left{0};
  Instant best_at{};
  // The latest other locator the destination was heard on (a way kept out by
  // the rule above): where the route goes when `via` is left. Without it a
  // mobile node in a soft handoff lost the route with its old link, since
  // the new link's equally long way never displaced it.
  std::optional<Locator> alternate;
  Instant alternate_learned{};
  std::uint8_t alternate_hops_left{0};
};

class RouteTable {
 public:
  static constexpr std::size_t kMaxRoutes = 4096;
  // Through loops of routers copies of one packet arrive on several links,
  // the longer ways round last and with lower hop limits. A longer way
  // replaces the route only after the shorter one was silent this long.
  static constexpr Duration kShorterWayHold = std::chrono::seconds(1);

  // `ttl`: a learned route lapses this long after it was last confirmed.
  // `keep_alive_limit`: a route still in use is kept past ttl (while a refresh is
  // asked for) until this long after it was last confirmed.
  RouteTable(Duration ttl, Duration keep_alive_limit) : ttl_(ttl), keep_alive_limit_(keep_alive_limit) {}

  // A packet from `destination` arrived on `via` with `hop_limit` left.
  // Returns true when the route is new or now goes through another locator:
  // a way with more hops left, or any way once the current one has not
  // been confirmed at its length for kShorterWayHold.
  bool learn(Locator destination, Locator via, Instant now, std::uint8_t hop_limit);
  // Secure mode's rule for traffic nothing authenticated (proto/README.md,
  // section 9): keeps an existing route through `via` alive, never creates
  // one nor moves one. Returns whether a route was confirmed.
  bool confirm(Locator destination, Locator via, Instant now);
  // The joined locator to send through, if any; marks the route as used.
  [[nodiscard]] std::optional<Locator> lookup(Locator destination, Instant now);
  // After leaving `via`: every route through it moves to its alternate (if it
  // is not `via` too) or is dropped; returns how many were dropped.
  std::size_t forget_via(Locator via);

  // Removes lapsed routes and returns them.
  std::vector<Route> expire(Instant now);
  // Routes past ttl that are kept only because they are in use: ask for a refresh.
  [[nodiscard]] std::vector<Route> needing_refresh(Instant now) const;
  // A lower bound on the next instant expire() or needing_refresh() changes.
  [[nodiscard]] Instant next_deadline() const { return next_deadline_; }

  [[nodiscard]] const std::map<Locator, Route>& routes() const { return routes_; }

 private:
  [[nodiscard]] bool in_use(const Route& r, Instant now) const { return now - r.used < ttl_; }
  void evict_oldest();
  void recompute_deadline(Instant now);

  Duration ttl_;
  Duration keep_alive_limit_;
  std::map<Locator, Route> routes_;
  Instant next_deadline_{kNever};
};

}  // namespace ilnp::forwarding
