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
  take_over(ilv, hostname);
  if (!hosts_.contains(hostname) && hosts_.size() >= kMaxHosts) evict_oldest_host();
  auto& bindings = hosts_[hostname];
  bind_name(ilv, hostname);
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
    unbind_name(oldest->ilv);
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
  auto owners = hosts_by_nid_.find(nid);
  if (owners == hosts_by_nid_.end()) return std::nullopt;
  const Binding* best = nullptr;
  for (const auto& [host, count] : owners->second)
    for (const auto& b : hosts_.at(host))
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
  auto owners = hosts_by_nid_.find(nid);
  if (owners == hosts_by_nid_.end()) return std::nullopt;
  return owners->second.begin()->first;
}

std::optional<std::string> NameCache::rebind(Nid nid, const std::vector<Locator>& locators, Instant now) {
  auto name = name_of(nid);
  if (!name) return std::nullopt;
  auto& bindings = hosts_[*name];
  for (const auto& b : bindings) unbind_name(b.ilv);
  bindings.clear();
  for (auto l : locators) {
    Ilv ilv{l, nid};
    if (bindings.size() >= kMaxBindingsPerHost || (names_.contains(ilv) && names_.at(ilv) == *name)) continue;
    take_over(ilv, *name);
    bindings.push_back(Binding{ilv, now});
    bind_name(ilv, *name);
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
        unbind_name(b->ilv);
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
  for (const auto& b : oldest->second) unbind_name(b.ilv);
  hosts_.erase(oldest);
}

void NameCache::take_over(Ilv ilv, const std::string& hostname) {
  auto owner = names_.find(ilv);
  if (owner == names_.end() || owner->second == hostname) return;
  // The ILV now answers to another name: the newer claim wins.
  auto previous = owner->second;
  auto& bindings = hosts_[previous];
  std::erase_if(bindings, [ilv](const Binding& b) { return b.ilv == ilv; });
  if (bindings.empty()) hosts_.erase(previous);
  unbind_name(ilv);
}

void NameCache::bind_name(Ilv ilv, const std::string& hostname) {
  auto [entry, inserted] = names_.try_emplace(ilv, hostname);
  if (!inserted) {
    if (entry->second == hostname) return;
    unbind_name(ilv);
    names_.emplace(ilv, hostname);
  }
  ++hosts_by_nid_[ilv.nid][hostname];
}

void NameCache::unbind_name(Ilv ilv) {
  auto entry = names_.find(ilv);
  if (entry == names_.end()) return;
  auto owners = hosts_by_nid_.find(ilv.nid);
  auto count = owners->second.find(entry->second);
  if (--count->second == 0) owners->second.erase(count);
  if (owners->second.empty()) hosts_by_nid_.erase(owners);
  names_.erase(entry);
}

}  // namespace ilnp::discovery
