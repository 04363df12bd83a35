// Secure mode (proto/README.md, "Secure mode"): signed discovery and locator
// updates, and sealed transport. A message changes state only after its
// signature verifies, its key owns the NID, and it is fresher than the last.
#include <algorithm>

#include "ilnp/core/node/node.hpp"
#include "ilnp/core/wire/secure_messages.hpp"

namespace ilnp {

std::uint64_t Node::next_wall_stamp(Instant now) {
  // Wall-clock microseconds, strictly increasing even if the clock steps back.
  auto wall = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() +
      config_.wall_clock_offset_us);
  last_wall_stamp_ = std::max(last_wall_stamp_ + 1, wall);
  return last_wall_stamp_;
}

bool Node::too_old(std::uint64_t stamp_us, Instant now) const {
  auto limit = std::chrono::duration_cast<std::chrono::microseconds>(config_.security.max_message_age).count();
  if (limit <= 0) return false;
  auto wall = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() +
              config_.wall_clock_offset_us;
  auto stamp = static_cast<std::int64_t>(std::min<std::uint64_t>(stamp_us, INT64_MAX));
  return stamp < wall - limit || stamp > wall + limit;
}

void Node::send_secure_discovery(Locator link, bool solicitation, Instant now) {
  wire::SecureDiscovery m;
  m.solicitation = solicitation;
  m.nid = config_.nid;
  m.locator = link;
  m.timestamp = next_wall_stamp(now);
  m.key = identity_->public_key();
  m.hostname = config_.hostname;
  m.signature = identity_->sign(wire::secure_discovery_signed_bytes(m));
  ++(solicitation ? stats_.solicitations_sent : stats_.advertisements_sent);
  transmit(link, Ilv{kAllNodes, Nid{0}}, wire::NextHeader::secure_discovery, wire::encode_secure_discovery(m));
}

void Node::receive_secure_discovery(const wire::Header& h, Locator arrival, wire::Bytes datagram, Instant now) {
  if (!is_active(arrival)) return drop(DropReason::not_joined, &h, arrival);
  auto m = wire::decode_secure_discovery(datagram.subspan(wire::kHeaderSize));
  if (!m) return drop(m.error(), &h, arrival);
  if (security::nid_of(m->key) != m->nid) return drop(DropReason::nid_key_mismatch, &h, arrival);
  if (!security::verify(m->key, wire::secure_discovery_signed_bytes(*m), m->signature))
    return drop(DropReason::bad_signature, &h, arrival);
  if (auto pin = config_.security.pinned.find(m->hostname); pin != config_.security.pinned.end() && pin->second != m->key)
    return drop(DropReason::pinned_key_mismatch, &h, arrival);
  if (too_old(m->timestamp, now) || !peer_keys_.is_fresh_discovery(m->nid, m->timestamp))
    return drop(DropReason::stale_message, &h, arrival);
  // Routes follow the first copy of a new signed advertisement to its signed
  // locator; a copy of one already seen (a re-flood, or a replay on another
  // link) only confirms (section 9).
  if (m->locator == h.source.locator && !is_active(m->locator)) {
    if (peer_keys_.is_new_discovery(m->nid, m->timestamp)) {
      learn_route(m->locator, arrival, now, h.hop_limit);
    } else {
      routes_.confirm(m->locator, arrival, now);
    }
  }
  // First come, first served: a live name is not handed to another key, and a
  // full cache refuses newcomers instead of evicting someone's name.
  if (auto owner = names_.resolve(m->hostname, now); owner && owner->nid != m->nid)
    return drop(DropReason::hostname_taken, &h, arrival);
  if (names_.full_for(m->hostname)) return drop(DropReason::table_full, &h, arrival);
  if (!peer_keys_.learn(m->nid, m->key, now)) return drop(DropReason::table_full, &h, arrival);
  if (config_.security.pinned.contains(m->hostname)) peer_keys_.talked_to(m->nid, now);
  peer_keys_.accepted(m->nid, security::Freshness::discovery, m->timestamp);
  learn_name(m->hostname, Ilv{m->locator, m->nid}, arrival, now, m->key);
  if (m->solicitation) answer_solicitation(arrival, now);
  flood(h, arrival, datagram, now);
}

void Node::send_secure_update(Locator via, Ilv peer) {
  wire::SecureUpdate m;
  m.sequence = last_update_sequence_;  // one sequence per move: retransmissions repeat it
  m.locators = active_;
  m.key = identity_->public_key();
  m.signature = identity_->sign(wire::secure_update_signed_bytes(m, config_.nid, peer.nid));
  transmit(via, peer, wire::NextHeader::secure_locator_update, wire::encode_secure_update(m));
}

void Node::receive_secure_update(const wire::Header& h, Locator arrival, wire::Bytes payload, Instant now) {
  auto m = wire::decode_secure_update(payload);
  if (!m) return drop(m.error(), &h, arrival);
  if (security::nid_of(m->key) != h.source.nid) return drop(DropReason::nid_key_mismatch, &h, arrival);
  if (!security::verify(m->key, wire::secure_update_signed_bytes(*m, h.source.nid, h.destination.nid), m->signature))
    return drop(DropReason::bad_signature, &h, arrival);
  if (too_old(m->sequence, now)) return drop(DropReason::stale_message, &h, arrival);
  if (!peer_keys_.learn(h.source.nid, m->key, now)) return drop(DropReason::table_full, &h, arrival);
  peer_keys_.talked_to(h.source.nid, now);  // a correspondent: verified above
  if (m->is_ack) {
    // Only an ack of the update we sent last counts.
    if (m->acknowledges != last_update_sequence_) return drop(DropReason::stale_message, &h, arrival);
    if (auto rtt = updates_.acknowledged(h.source.nid, now)) {
      ++stats_.updates_acknowledged;
      actions_.emplace_back(Notice{UpdateAcknowledged{h.source.nid, *rtt}});
      log_.log(Layer::network, Level::info, [&] {
        return "locator update acknowledged by " + h.source.to_string() + " after " +
               std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(*rtt).count()) + " us (signed)";
      });
    }
    return;
  }
  // A retransmission carries the same sequence: acknowledge it again, apply nothing new.
  auto order = peer_keys_.order_of_update(h.source.nid, m->sequence);
  if (order == security::UpdateOrder::older) return drop(DropReason::stale_message, &h, arrival);  // a replay
  if (order == security::UpdateOrder::newer) {
    ++stats_.updates_received;
    peer_keys_.accepted(h.source.nid, security::Freshness::update, m->sequence);
    auto host = names_.rebind(h.source.nid, m->locators, now);
    peer_bindings_.bind(h.source.nid, m->locators, now);
    correspondents_.relocate(h.source.nid, m->locators.front());
    actions_.emplace_back(Notice{PeerRelocated{h.source.nid, m->locators}});
    log_.log(Layer::network, Level::info, [&] {
      return "signed locator update from " + (host ? *host + " " : std::string()) + h.source.nid.to_string() +
             ": now at " + m->locators.front().to_string();
    });
  }
  wire::SecureUpdate ack;
  ack.is_ack = true;
  ack.sequence = next_wall_stamp(now);
  ack.acknowledges = m->sequence;
  ack.key = identity_->public_key();
  ack.signature = identity_->sign(wire::secure_update_signed_bytes(ack, config_.nid, h.source.nid));
  transmit(arrival, Ilv{m->locators.front(), h.source.nid}, wire::NextHeader::secure_locator_update,
           wire::encode_secure_update(ack));
  // Both ends moved at once: ours to it went to where it was.
  if (order == security::UpdateOrder::newer && updates_.relocate(h.source.nid, m->locators.front(), now))
    send_due_updates(now);
}

void Node::receive_sealed(const wire::Header& h, Locator arrival, wire::Bytes payload, Instant now) {
  auto key = peer_keys_.key_of(h.source.nid);
  if (!key) {
    ask_for_routes(now);  // its advertisement brings the key
    return drop(DropReason::no_peer_key, &h, arrival);
  }
  auto sealed = wire::decode_sealed_transport(payload);
  if (!sealed) return drop(sealed.error(), &h, arrival);
  auto plain = sealed_->open(h.source.nid, *key, *sealed);
  if (!plain) return drop(plain.error(), &h, arrival);
  peer_keys_.talked_to(h.source.nid, now);
  deliver_segment(h, arrival, *plain, now);
}

}  // namespace ilnp
