// The name cache. Both maps are kept in step; every table is capped and the
// least recently seen host is evicted first.
#include "ilnp/core/discovery/name_cache.hpp"

#include <algorithm>

namespace ilnp::discovery {

namespace {
Instant last_seen(const std::vector<Binding>& bindings) {
  Instant t{};
  for (const auto& b : bindings) t = std::max(t, b.seen);
  return t;
}
}  // namespace

bool NameCache::learn(const std::string& hostname, Ilv ilv, Instant now) {
  auto owner = names_.find(ilv);
  if (owner != names_.end() && owner->second != hostname) {
    // The ILV now answers to another name: the newer claim wins.
    std::erase_if(hosts_[owner->second], [ilv](const Binding& b) { return b.ilv == ilv; });
    if (hosts_[owner->second].empty()) hosts_.erase(owner->second);
  }
  if (!hosts_.contains(hostname) && hosts_.size() >= kMaxHosts) evict_oldest_host();
  auto& bindings = hosts_[hostname];
  names_[ilv] = hostname;
  next_deadline_ = std::min(next_deadline_, now + ttl_);
  for (auto& b : bindings) {
    if (b.ilv == ilv) {
      b.seen = now;
      return false;
    }
  }
  if (bindings.size() >= kMaxBindingsPerHost) {
    auto oldest = std::min_element(bindings.begin(), bindings.end(),
                                   [](const Binding& a, const Binding& b) { return a.seen < b.seen; });
    names_.erase(oldest->ilv);
    bindings.erase(oldest);
  }
  bindings.push_back(Binding{ilv, now});
  return true;
}

std::optional<Ilv> NameCache::resolve(const std::string& hostname, Instant now) const {
  auto it = hosts_.find(hostname);
  if (it == hosts_.end()) return std::nullopt;
  const Binding* best = nullptr;
  for (const auto& b : it->second)
    if (now - b.seen < ttl_ && (!best || b.seen > best->seen)) best = &b;
  if (!best) return std::nullopt;
  return best->ilv;
}

std::optional<Ilv> NameCache::resolve(Nid nid, Instant now) const {
  const Binding* best = nullptr;
  for (const auto& [host, bindings] : hosts_)
    for (const auto& b : bindings)
      if (b.ilv.nid == nid && now - b.seen < ttl_ && (!best || b.seen > best->seen)) best = &b;
  if (!best) return std::nullopt;
  return best->ilv;
}

std::optional<std::string> NameCache::name_of(Ilv ilv, Instant now) const {
  auto it = names_.find(ilv);
  if (it == names_.end()) return std::nullopt;
  for (const auto& b : hosts_.at(it->second))
    if (b.ilv == ilv && now - b.seen < ttl_) return it->second;
  return std::nullopt;
}

std::optional<std::string> NameCache::name_of(Nid nid) const {
  for (const auto& [ilv, name] : names_)
    if (ilv.nid == nid) return name;
  return std::nullopt;
}

std::optional<std::string> NameCache::rebind(Nid nid, const std::vector<Locator>& locators, Instant now) {
  auto name = name_of(nid);
  if (!name) return std::nullopt;
  for (const auto& b : hosts_[*name]) names_.erase(b.ilv);
  auto& bindings = hosts_[*name];
  bindings.clear();
  for (auto l : locators) {
    if (bindings.size() >= kMaxBindingsPerHost) break;
    bindings.push_back(Binding{Ilv{l, nid}, now});
    names_[Ilv{l, nid}] = *name;
  }
  next_deadline_ = std::min(next_deadline_, now + ttl_);
  return name;
}

std::vector<NameEvent> NameCache::expire(Instant now) {
  std::vector<NameEvent> gone;
  if (now < next_deadline_) return gone;
  next_deadline_ = kNever;
  for (auto host = hosts_.begin(); host != hosts_.end();) {
    auto& bindings = host->second;
    for (auto b = bindings.begin(); b != bindings.end();) {
      if (now - b->seen >= ttl_) {
        gone.push_back(NameEvent{NameEvent::Kind::expired, host->first, b->ilv});
        names_.erase(b->ilv);
        b = bindings.erase(b);
      } else {
        next_deadline_ = std::min(next_deadline_, b->seen + ttl_);
        ++b;
      }
    }
    host = bindings.empty() ? hosts_.erase(host) : std::next(host);
  }
  return gone;
}

void NameCache::evict_oldest_host() {
  auto oldest = std::min_element(hosts_.begin(), hosts_.end(), [](const auto& a, const auto& b) {
    return last_seen(a.second) < last_seen(b.second);
  });
  if (oldest == hosts_.end()) return;
  for (const auto& b : oldest->second) names_.erase(b.ilv);
  hosts_.erase(oldest);
}

}  // namespace ilnp::discovery
