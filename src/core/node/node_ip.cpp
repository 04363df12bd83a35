// IP packets over the overlay (proto/README.md section 13): a TUN packet goes
// out as an overlay datagram to its destination NID's locator, sealed (48)
// when encryption is on; one that arrives for our NID goes to the TUN with
// the identifier prefix restored.
#include "ilnp/core/node/node.hpp"

namespace ilnp {

std::optional<Locator> Node::locator_of(Nid nid, Instant now) const {
  // A locator update outranks the name cache; a correspondent that sent to us
  // lately (a legacy peer whose name lapsed) is reachable where it sent from.
  if (auto named = names_.resolve(nid, now)) return peer_bindings_.locator_for(*named, now);
  if (auto bound = peer_bindings_.latest(nid, now)) return bound;
  const auto& peers = correspondents_.all();
  if (auto it = peers.find(nid); it != peers.end() && now - it->second.second < config_.active_session_ttl)
    return it->second.first;
  return std::nullopt;
}

SendStatus Node::send_ip(Instant now, wire::Bytes packet) {
  if (!config_.ip_prefix) throw std::logic_error("send_ip without an identifier prefix");
  auto mtu = config_.max_ip_packet();
  auto parsed = tun::parse_tun_packet(packet, *config_.ip_prefix, config_.nid, mtu);
  if (!parsed) {
    stats_.count(parsed.error());
    if (parsed.error() != DropReason::ip_too_big) return SendStatus::refused;
    if (too_big_answers_.take(now)) {
      ++stats_.ip_too_big_answered;
      actions_.emplace_back(DeliverIp{tun::packet_too_big(packet, static_cast<std::uint32_t>(mtu))});
    }
    return SendStatus::too_large;
  }
  auto locator = locator_of(parsed->destination, now);
  auto via = locator ? way_to(*locator, now) : std::nullopt;
  if (!via) {
    stats_.count(DropReason::no_route);
    ask_for_routes(now);
    return SendStatus::no_route;
  }
  Ilv destination{*locator, parsed->destination};
  if (secure()) peer_keys_.talked_to(destination.nid, now);
  if (sealed_) {
    auto key = peer_keys_.key_of(destination.nid);
    if (!key) {
      stats_.count(DropReason::no_peer_key);
      ask_for_routes(now);
      return SendStatus::no_peer_key;
    }
    wire::Header h;
    h.version_class_flow = tun::version_class_flow_of(packet);
    h.next_header = static_cast<std::uint8_t>(wire::NextHeader::sealed_ip);
    h.hop_limit = tun::hop_limit_of(packet);
    h.source = Ilv{*via, config_.nid};
    h.destination = destination;
    auto sealed =
        sealed_->seal(destination.nid, *key, tun::sealed_ip_plaintext(packet), security::SealDomain::ip);
    send_datagram(*via, wire::encode_packet(h, sealed));
  } else {
    send_datagram(*via, tun::to_overlay(packet, *via, destination.locator));
  }
  ++stats_.ip_sent;
  ip_peers_.sent(destination.nid, packet.size(), now);
  correspondents_.touch(destination, now);  // it hears of our moves
  return SendStatus::sent;
}

void Node::receive_ip(const wire::Header& h, Locator arrival, wire::Bytes datagram, Instant now) {
  // With encryption on, IP is sealed: a clear packet could claim any NID.
  if (sealed_) return drop(DropReason::unauthenticated, &h, arrival);
  auto packet = tun::from_overlay(datagram, *config_.ip_prefix);
  if (!packet) return drop(packet.error(), &h, arrival);
  auto payload = datagram.subspan(wire::kHeaderSize);
  if (!delivered_copies_.first_sighting(forwarding::delivery_digest(h.source.nid.value, payload), now, h.hop_limit))
    return drop(DropReason::handoff_duplicate, &h, arrival);
  deliver_ip(h, std::move(*packet), now);
}

void Node::receive_sealed_ip(const wire::Header& h, Locator arrival, wire::Bytes payload, Instant now) {
  if (h.destination.locator == kAllNodes) return drop(DropReason::ip_not_carried, &h, arrival);
  auto key = peer_keys_.key_of(h.source.nid);
  if (!key) {
    ask_for_routes(now);  // its advertisement brings the key
    return drop(DropReason::no_peer_key, &h, arrival);
  }
  auto sealed = wire::decode_sealed_transport(payload);
  if (!sealed) return drop(sealed.error(), &h, arrival);
  // Copies (a soft handoff, loops of routers) are the replay window's: each seal is one counter.
  auto plain = sealed_->open(h.source.nid, *key, *sealed, security::SealDomain::ip);
  if (!plain) return drop(plain.error(), &h, arrival);
  peer_keys_.talked_to(h.source.nid, now);
  auto packet = tun::from_sealed_ip(h, *plain, *config_.ip_prefix);
  if (!packet) return drop(packet.error(), &h, arrival);
  deliver_ip(h, std::move(*packet), now);
}

void Node::deliver_ip(const wire::Header& h, wire::Buffer packet, Instant now) {
  correspondents_.touch(h.source, now);
  ++stats_.ip_delivered;
  ip_peers_.received(h.source.nid, packet.size(), now);
  actions_.emplace_back(DeliverIp{std::move(packet)});
}

}  // namespace ilnp
