// FNV-1a over the source NID and payload is enough: a collision costs one
// suppressed copy inside a window of at most a few seconds.
#include "ilnp/core/forwarding/duplicate_filter.hpp"

namespace ilnp::forwarding {

namespace {
std::uint64_t fingerprint(std::uint64_t source_nid, wire::Bytes payload) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ source_nid;
  for (auto b : payload) h = (h ^ std::to_integer<std::uint8_t>(b)) * 0x100000001b3ULL;
  return h;
}
}  // namespace

bool DuplicateFilter::first_sighting(std::uint64_t source_nid, wire::Bytes payload, Instant now) {
  while (!order_.empty() && (now - order_.front().seen >= window_ || order_.size() >= kMaxEntries)) {
    keys_.erase(order_.front().key);
    order_.pop_front();
  }
  auto key = fingerprint(source_nid, payload);
  if (!keys_.insert(key).second) return false;
  order_.push_back(Entry{key, now});
  return true;
}

}  // namespace ilnp::forwarding
