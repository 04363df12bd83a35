// Retransmission schedule of locator updates (proto/README.md section 5).
#include "ilnp/core/mobility/update_sender.hpp"

#include <algorithm>

namespace ilnp::mobility {

void UpdateSender::begin(const std::vector<std::pair<Ilv, Locator>>& peers_and_vias, Instant now) {
  pending_.clear();
  for (const auto& [peer, via] : peers_and_vias) pending_[peer.nid] = PendingUpdate{peer, via, 0, now, now};
}

std::vector<PendingUpdate> UpdateSender::due(Instant now) {
  std::vector<PendingUpdate> out;
  for (auto& [nid, p] : pending_) {
    if (p.next_send > now || p.sends > retries_) continue;
    ++p.sends;
    p.next_send = now + retry_wait_;
    out.push_back(p);
  }
  return out;
}

std::vector<PendingUpdate> UpdateSender::given_up(Instant now) {
  std::vector<PendingUpdate> out;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.sends > retries_ && it->second.next_send <= now) {
      out.push_back(it->second);
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

void UpdateSender::postpone(Nid nid, Instant retry_at) {
  auto it = pending_.find(nid);
  if (it == pending_.end()) return;
  --it->second.sends;
  it->second.next_send = retry_at;
}

bool UpdateSender::relocate(Nid nid, Locator locator, Instant now) {
  auto it = pending_.find(nid);
  if (it == pending_.end() || it->second.peer.locator == locator) return false;
  it->second.peer.locator = locator;
  it->second.next_send = now;
  if (it->second.sends > retries_) it->second.sends = retries_;  // one more try, at the right place
  return true;
}

bool UpdateSender::path_found(Instant now) {
  bool any = false;
  for (auto& [nid, p] : pending_)
    if (p.sends == 0 && p.next_send > now) {
      p.next_send = now;
      any = true;
    }
  return any;
}

std::optional<Duration> UpdateSender::acknowledged(Nid nid, Instant now) {
  auto it = pending_.find(nid);
  if (it == pending_.end()) return std::nullopt;
  auto rtt = now - it->second.first_sent;
  pending_.erase(it);
  return rtt;
}

Instant UpdateSender::next_deadline() const {
  Instant next = kNever;
  for (const auto& [nid, p] : pending_) next = std::min(next, p.next_send);
  return next;
}

}  // namespace ilnp::mobility
