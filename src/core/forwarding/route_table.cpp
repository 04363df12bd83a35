// Backwards learning with TTLs, preferring the way with the most hops left.
// A route the node is sending along does not lapse at ttl (the prototype's
// one-way-flow outage); it is kept while a refresh is solicited, up to
// keep_alive_limit.
#include "ilnp/core/forwarding/route_table.hpp"

#include <algorithm>

namespace ilnp::forwarding {

bool RouteTable::learn(Locator destination, Locator via, Instant now, std::uint8_t hop_limit) {
  auto it = routes_.find(destination);
  if (it == routes_.end()) {
    if (routes_.size() >= kMaxRoutes) evict_oldest();
    Route r;
    r.destination = destination;
    r.via = via;
    r.learned = r.best_at = now;
    r.hops_left = hop_limit;
    routes_.emplace(destination, r);
    next_deadline_ = std::min(next_deadline_, now + ttl_);
    return true;
  }
  auto& r = it->second;
  // Latest-wins would follow whichever copy went furthest round a loop; an
  // equally short way does not displace the current one either (stability).
  bool longer = hop_limit < r.hops_left || (hop_limit == r.hops_left && r.via != via);
  if (longer && now - r.best_at < kShorterWayHold) {
    if (r.via == via) {
      r.learned = now;  // still reachable this way
    } else {
      r.alternate = via;
      r.alternate_learned = now;
      r.alternate_hops_left = hop_limit;
    }
    return false;
  }
  if (r.via != via) {  // the way given up stays the alternate
    r.alternate = r.via;
    r.alternate_learned = r.learned;
    r.alternate_hops_left = r.hops_left;
  }
  bool changed = r.via != via;
  r.via = via;
  r.learned = now;
  r.hops_left = hop_limit;
  r.best_at = now;
  return changed;
}

bool RouteTable::confirm(Locator destination, Locator via, Instant now) {
  auto it = routes_.find(destination);
  if (it == routes_.end() || it->second.via != via) return false;
  it->second.learned = now;
  return true;
}

std::optional<Locator> RouteTable::lookup(Locator destination, Instant now) {
  auto it = routes_.find(destination);
  if (it == routes_.end()) return std::nullopt;
  auto& r = it->second;
  auto age = now - r.learned;
  if (age >= keep_alive_limit_ || (age >= ttl_ && !in_use(r, now))) return std::nullopt;
  r.used = now;
  return r.via;
}

std::size_t RouteTable::forget_via(Locator via) {
  for (auto& [destination, r] : routes_) {
    if (r.alternate == via) r.alternate.reset();
    if (r.via != via || !r.alternate) continue;
    r.via = *r.alternate;
    r.learned = r.best_at = r.alternate_learned;  // lookup and expiry judge its age
    r.hops_left = r.alternate_hops_left;
    r.alternate.reset();
  }
  return std::erase_if(routes_, [via](const auto& entry) { return entry.second.via == via; });
}

std::vector<Route> RouteTable::expire(Instant now) {
  std::vector<Route> gone;
  if (now < next_deadline_) return gone;
  for (auto it = routes_.begin(); it != routes_.end();) {
    const auto& r = it->second;
    auto age = now - r.learned;
    if (age >= keep_alive_limit_ || (age >= ttl_ && !in_use(r, now))) {
      gone.push_back(r);
      it = routes_.erase(it);
    } else {
      ++it;
    }
  }
  recompute_deadline(now);
  return gone;
}

std::vector<Route> RouteTable::needing_refresh(Instant now) const {
  std::vector<Route> out;
  for (const auto& [destination, r] : routes_)
    if (now - r.learned >= ttl_ && in_use(r, now)) out.push_back(r);
  return out;
}

void RouteTable::evict_oldest() {
  auto oldest = std::min_element(routes_.begin(), routes_.end(), [](const auto& a, const auto& b) {
    return std::max(a.second.learned, a.second.used) < std::max(b.second.learned, b.second.used);
  });
  if (oldest != routes_.end()) routes_.erase(oldest);
}

void RouteTable::recompute_deadline(Instant now) {
  next_deadline_ = kNever;
  for (const auto& [destination, r] : routes_) {
    // The earliest future instant at which this route's state can change.
    for (auto t : {r.learned + ttl_, r.used + ttl_, r.learned + keep_alive_limit_})
      if (t > now) next_deadline_ = std::min(next_deadline_, t);
  }
}

}  // namespace ilnp::forwarding
