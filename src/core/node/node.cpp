// The per-packet decision (deliver, forward, flood, drop) and the timers of
// discovery and route expiry. Wire layouts stay in core/wire; tables in their
// own modules; this file only composes them.
#include "ilnp/core/node/node.hpp"

#include <algorithm>

namespace ilnp {

namespace {
constexpr Duration kAskInterval = std::chrono::seconds(1);
constexpr Duration kFloodWindow = std::chrono::seconds(2);
// Copies of one datagram (forwarded, or delivered): in a soft handoff one
// comes directly and one through a router; round a loop of routers they come
// back. Either way within a few link delays and with fewer hops left, so
// SCTP's retransmissions (RTO >= 1 s) are never mistaken for copies. Copies
// along equally short paths (two routers onto one link) come within a few ms
// of each other; a datagram its sender repeats byte for byte after that is
// news (proto/README.md, section 8).
constexpr Duration kCopyWindow = std::chrono::milliseconds(500);
constexpr Duration kSameLengthCopyWindow = std::chrono::milliseconds(10);
// Table sizes: discovery and deliveries are slow; forwarding may be fast.
constexpr std::size_t kFloodDigests = 1024;
constexpr std::size_t kForwardDigests = 4096;
// Solicitations answered per arrival link (a node answers one per solicitor;
// a LAN rarely has more than a few joining at once), and discovery floods
// relayed per arrival link: well above a LAN's discovery (the burst covers a
// grid of 24 routers starting at once), far below a sustained flood.
constexpr double kAnswerRate = 10;
constexpr double kAnswerBurst = 20;
constexpr double kRelayRate = 100;
constexpr double kRelayBurst = 2000;
// ICMPv6 errors to the local sender (RFC 4443 2.4(f) asks for a limit): a
// program learns the MTU from the first; a flood of big packets costs little.
constexpr double kTooBigRate = 10;
constexpr double kTooBigBurst = 10;

std::string describe(const wire::Header& h) {
  return "from " + h.source.to_string() + " to " + h.destination.to_string() +
         " next_header=" + std::to_string(h.next_header) + " hop_limit=" + std::to_string(h.hop_limit);
}
}  // namespace

std::string_view to_string(SendStatus s) {
  switch (s) {
    case SendStatus::sent: return "sent";
    case SendStatus::no_route: return "no route";
    case SendStatus::unknown_host: return "unknown host";
    case SendStatus::too_large: return "too large";
    case SendStatus::port_unbound: return "port not bound";
    case SendStatus::no_peer_key: return "no key for the peer (encryption on)";
    case SendStatus::refused: return "refused";
  }
  return "?";
}

Node::Node(NodeConfig config, std::uint64_t rng_seed, Logger logger, std::optional<security::Identity> identity)
    : config_(std::move(config)),
      rng_(rng_seed),
      log_(std::move(logger)),
      routes_(config_.backwards_learning_ttl, 3 * config_.backwards_learning_ttl),
      floods_(kFloodWindow, kFloodWindow, kFloodDigests),
      forwarded_(kCopyWindow, kSameLengthCopyWindow, kForwardDigests),
      delivered_copies_(kCopyWindow, kSameLengthCopyWindow, kFloodDigests),
      names_(3 * config_.discovery_wait_time),
      solicit_(config_.discovery_wait_time),
      answers_(kAnswerRate, kAnswerBurst),
      relays_(kRelayRate, kRelayBurst),
      too_big_answers_(kTooBigRate, kTooBigBurst),
      correspondents_(config_.active_session_ttl),
      peer_bindings_(3 * config_.discovery_wait_time),
      updates_(config_.loc_update_retries, config_.loc_update_retry_wait_time),
      identity_(std::move(identity)),
      peer_keys_(std::max(3 * config_.discovery_wait_time, config_.active_session_ttl)) {
  if (secure() && (!identity_ || identity_->nid() != config_.nid))
    throw std::invalid_argument("a secure node needs its identity, and its NID must be the identity's");
  if (config_.security.encrypt && !secure()) throw std::invalid_argument("encryption needs secure mode");
}

void Node::start(Instant now) {
  if (config_.security.encrypt)
    sealed_.emplace(*identity_, config_.security.rekey_after, static_cast<std::uint32_t>(next_wall_stamp(now) / 1'000'000));
  if (!config_.locator_cycle.empty())
    for (auto l : config_.locator_cycle.front()) join(l);
  if (config_.locator_cycle.size() > 1) next_move_ = now + config_.move_time;
  solicit_.start(now);
}

void Node::join(Locator l) {
  if (!is_active(l)) active_.push_back(l);
  if (linked_.insert(l).second) {
    actions_.emplace_back(Join{l});
    log_.log(Layer::network, Level::info, [&] { return "joined locator " + l.to_string(); });
  }
}

bool Node::is_active(Locator l) const { return std::find(active_.begin(), active_.end(), l) != active_.end(); }

void Node::count_drop(DropReason reason, Locator arrival) {
  stats_.count(reason);
  links_.on(arrival).count_drop(reason);
}

void Node::drop(DropReason reason, const wire::Header* header, Locator arrival) {
  count_drop(reason, arrival);
  log_.log(Layer::network, Level::debug, [&] {
    return "dropped datagram on " + arrival.to_string() + " (" + std::string(to_string(reason)) + ")" +
           (header ? " " + describe(*header) : std::string());
  });
}

void Node::handle_datagram(Instant now, Locator arrival, wire::Bytes datagram) {
  ++stats_.datagrams_in;
  stats_.bytes_in += datagram.size();
  links_.on(arrival).count_in(datagram.size());
  auto decoded = wire::decode_header(datagram, config_.buffer_size);
  if (!decoded) return drop(decoded.error(), nullptr, arrival);
  const auto& h = *decoded;
  if (h.source.nid == config_.nid) return drop(DropReason::own_packet, &h, arrival);
  // During a soft handoff the old link still delivers: accept only what is
  // addressed to it, so the overlap does not produce duplicates.
  bool active_link = is_active(arrival);
  // Locator updates and acks for our NID are taken from any link we still
  // hear: an ack comes back the way the update went, over the old link.
  bool update_for_us = h.destination.nid == config_.nid &&
                       (h.next_header == static_cast<std::uint8_t>(wire::NextHeader::locator_update) ||
                        h.next_header == static_cast<std::uint8_t>(wire::NextHeader::secure_locator_update));
  if (!active_link && h.destination.locator != arrival && !update_for_us)
    return drop(DropReason::not_joined, &h, arrival);

  if (active_link && !is_active(h.source.locator) && h.source.locator != kAllNodes) {
    // Secure mode: an unauthenticated source locator only confirms a route
    // (section 9); signed discovery learns and moves them.
    if (secure()) {
      routes_.confirm(h.source.locator, arrival, now);
    } else {
      learn_route(h.source.locator, arrival, now, h.hop_limit);
    }
  }

  bool for_us = h.destination.nid == config_.nid || h.destination.locator == kAllNodes;
  if (!for_us) return forward(h, arrival, datagram, now);

  auto payload = datagram.subspan(wire::kHeaderSize);
  switch (static_cast<wire::NextHeader>(h.next_header)) {
    case wire::NextHeader::discovery: return receive_discovery(h, arrival, datagram, now);
    case wire::NextHeader::locator_update:
      // The prototype's hole: in secure mode an unsigned update moves nothing.
      if (secure()) return drop(DropReason::unauthenticated, &h, arrival);
      return receive_locator_update(h, arrival, payload, now);
    case wire::NextHeader::transport: return receive_transport(h, arrival, payload, now);
    case wire::NextHeader::secure_discovery:
      if (secure()) return receive_secure_discovery(h, arrival, datagram, now);
      return flood(h, arrival, datagram, now);  // legacy routers still carry them
    case wire::NextHeader::secure_locator_update:
      if (secure()) return receive_secure_update(h, arrival, payload, now);
      break;
    case wire::NextHeader::sealed_transport:
      if (sealed_) return receive_sealed(h, arrival, payload, now);
      break;
    case wire::NextHeader::sealed_ip:
      if (sealed_ && config_.ip_prefix) return receive_sealed_ip(h, arrival, payload, now);
      break;
  }
  if (config_.ip_prefix && tun::is_carried_protocol(h.next_header)) return receive_ip(h, arrival, datagram, now);
  drop(DropReason::unknown_next_header, &h, arrival);
}

void Node::forward(const wire::Header& h, Locator arrival, wire::Bytes datagram, Instant now) {
  // Every node on a link sees every packet sent on it; the destination's own
  // link is served by the link itself.
  if (h.destination.locator == arrival) return drop(DropReason::same_link, &h, arrival);
  auto via = is_active(h.destination.locator) ? h.destination.locator : routes_.lookup(h.destination.locator, now);
  // Forward only between current locators: a mobile node in a soft handoff
  // must not relay between its old and new links (copies, loops).
  if (!via || !is_active(*via)) return drop(DropReason::no_route, &h, arrival);
  if (*via == arrival) return drop(DropReason::same_link, &h, arrival);
  if (h.hop_limit == 0) return drop(DropReason::hop_limit_exceeded, &h, arrival);
  // With loops of routers a datagram comes back, or reaches us through
  // several routers sharing a link: send it on once.
  if (!forwarded_.first_sighting(forwarding::datagram_digest(datagram), now, h.hop_limit))
    return drop(DropReason::duplicate_forward, &h, arrival);
  ++stats_.forwarded;
  ++stats_.datagrams_out;
  stats_.bytes_out += datagram.size();
  links_.on(*via).count_forwarded(datagram.size());
  log_.log(Layer::network, Level::debug,
           [&] { return "forwarded " + describe(h) + " from " + arrival.to_string() + " to " + via->to_string(); });
  // A view of the input, not a copy: the driver sends it before reusing its buffer.
  actions_.emplace_back(Forward{*via, static_cast<std::uint8_t>(h.hop_limit - 1), datagram});
}

void Node::receive_discovery(const wire::Header& h, Locator arrival, wire::Bytes datagram, Instant now) {
  if (!is_active(arrival)) return drop(DropReason::not_joined, &h, arrival);
  auto payload = datagram.subspan(wire::kHeaderSize);
  auto message = wire::decode_discovery(payload);
  if (!message) return drop(message.error(), &h, arrival);
  if (secure()) {
    // Unsigned names are not believed, but legacy nodes behind us still need them.
    count_drop(DropReason::unauthenticated, arrival);
    return flood(h, arrival, datagram, now);
  }
  learn_name(message->hostname, Ilv{message->locator, message->nid}, arrival, now);
  if (message->solicitation) answer_solicitation(arrival, now);
  flood(h, arrival, datagram, now, message->solicitation ? FloodKind::solicitation : FloodKind::advertisement);
}

void Node::learn_route(Locator destination, Locator arrival, Instant now, std::uint8_t hop_limit) {
  if (!routes_.learn(destination, arrival, now, hop_limit)) return;
  log_.log(Layer::network, Level::info,
           [&] { return "learned route to " + destination.to_string() + " via " + arrival.to_string(); });
  // A move that left the only path to a correspondent (its link went down)
  // waits for this: send its update now, not at the next retry.
  if (updates_.path_found(now)) send_due_updates(now);
}

void Node::answer_solicitation(Locator arrival, Instant now) {
  solicit_.heard_solicitation(now);
  // Each answer goes out on every link: without a budget per arrival link a
  // flood of solicitations is multiplied (issue 15, item 10).
  if (!answers_.take(arrival, now)) {
    count_drop(DropReason::rate_limited, arrival);
    return rate_limited_log(now, "solicitation on " + arrival.to_string() + " left unanswered");
  }
  for (auto l : active_) send_discovery(l, false, now);
}

void Node::rate_limited_log(Instant now, std::string what) {
  // One line a second at most; the counters carry the rest.
  ++rate_limited_since_log_;
  if (now < next_rate_log_) return;
  next_rate_log_ = now + std::chrono::seconds(1);
  log_.log(Layer::network, Level::info, [&] {
    return "rate limit: " + what + " (" + std::to_string(rate_limited_since_log_) + " refused since the last line)";
  });
  rate_limited_since_log_ = 0;
}

void Node::learn_name(const std::string& hostname, Ilv ilv, Locator arrival, Instant now,
                      std::optional<security::PublicKey> key) {
  actions_.emplace_back(Notice{NameLearned{hostname, ilv, key}});
  if (names_.learn(hostname, ilv, now))
    log_.log(Layer::discovery, Level::info,
             [&] { return "learned name " + hostname + " at " + ilv.to_string() + " on " + arrival.to_string(); });
  // A correspondent that moved while our update to it was pending advertises
  // where it is now: its update may never come (it cannot reach our old
  // locator) and ours went to where it was.
  if (updates_.relocate(ilv.nid, ilv.locator, now)) send_due_updates(now);
}

void Node::flood(const wire::Header& h, Locator arrival, wire::Bytes datagram, Instant now, FloodKind kind) {
  // Re-send through this node's other links so names cross routers.
  if (!is_active(arrival) || active_.size() < 2) return;
  auto payload = datagram.subspan(wire::kHeaderSize);
  if (h.hop_limit == 0) return count_drop(DropReason::hop_limit_exceeded, arrival);
  auto key = forwarding::message_digest(h.source.nid.value, payload);
  // A legacy advertisement has no sequence number: the answer to a
  // solicitation repeats the bytes of its sender's last advertisement. It is
  // news once a solicitation passed since (someone new is listening).
  if (kind == FloodKind::advertisement) key = forwarding::digest(solicitations_flooded_, std::as_bytes(std::span(&key, 1)));
  if (!floods_.first_sighting(key, now)) return count_drop(DropReason::duplicate_flood, arrival);
  // Distinct floods (fresh NIDs) pass the filter above: bound what we relay.
  if (!relays_.take(arrival, now)) {
    count_drop(DropReason::rate_limited, arrival);
    return rate_limited_log(now, "flood from " + arrival.to_string() + " not relayed");
  }
  if (kind == FloodKind::solicitation) ++solicitations_flooded_;
  for (auto l : active_) {
    if (l == arrival) continue;
    wire::Buffer copy(datagram.begin(), datagram.end());
    copy[wire::kHopLimitOffset] = static_cast<std::byte>(h.hop_limit - 1);
    ++stats_.datagrams_out;
    stats_.bytes_out += copy.size();
    links_.on(l).count_out(copy.size());
    actions_.emplace_back(Transmit{l, std::move(copy)});
  }
}

void Node::receive_locator_update(const wire::Header& h, Locator arrival, wire::Bytes payload, Instant now) {
  auto message = wire::decode_locator_update(payload);
  if (!message) return drop(message.error(), &h, arrival);
  if (message->is_ack) {
    if (auto rtt = updates_.acknowledged(h.source.nid, now)) {
      ++stats_.updates_acknowledged;
      actions_.emplace_back(Notice{UpdateAcknowledged{h.source.nid, *rtt}});
      log_.log(Layer::network, Level::info, [&] {
        return "locator update acknowledged by " + h.source.to_string() + " after " +
               std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(*rtt).count()) + " us";
      });
    }
    return;
  }
  // Idempotent: a retransmitted update rebinds to the same locators again.
  ++stats_.updates_received;
  auto host = names_.rebind(h.source.nid, message->locators, now);
  peer_bindings_.bind(h.source.nid, message->locators, now);
  correspondents_.relocate(h.source.nid, message->locators.front());
  actions_.emplace_back(Notice{PeerRelocated{h.source.nid, message->locators}});
  log_.log(Layer::network, Level::info, [&] {
    std::string list;
    for (auto l : message->locators) list += (list.empty() ? "" : ",") + l.to_string();
    return "locator update from " + (host ? *host + " " : std::string()) + h.source.nid.to_string() + ": now at " + list;
  });
  // Acknowledge to the first new locator, through the link it came on.
  auto ack = wire::encode_locator_update(wire::LocatorUpdate{true, {}});
  transmit(arrival, Ilv{message->locators.front(), h.source.nid}, wire::NextHeader::locator_update, ack);
  // Both ends moved at once: ours to it went to where it was.
  if (updates_.relocate(h.source.nid, message->locators.front(), now)) send_due_updates(now);
}

void Node::receive_transport(const wire::Header& h, Locator arrival, wire::Bytes payload, Instant now) {
  // With encryption on, a peer whose key we know speaks sealed datagrams only:
  // clear ones claiming its NID are forgeries.
  if (sealed_ && peer_keys_.key_of(h.source.nid)) return drop(DropReason::unauthenticated, &h, arrival);
  // One datagram can reach us twice: directly and through a router in a soft
  // handoff, or from two routers onto our link where routers form loops.
  if (!delivered_copies_.first_sighting(forwarding::delivery_digest(h.source.nid.value, payload), now, h.hop_limit))
    return drop(DropReason::handoff_duplicate, &h, arrival);
  deliver_segment(h, arrival, payload, now);
}

void Node::deliver_segment(const wire::Header& h, Locator arrival, wire::Bytes bytes, Instant now) {
  auto segment = wire::decode_transport(bytes);
  if (!segment) return drop(segment.error(), &h, arrival);
  if (!bound_.contains(segment->destination_port)) return drop(DropReason::port_unbound, &h, arrival);
  correspondents_.touch(h.source, now);
  ++stats_.delivered;
  actions_.emplace_back(Deliver{segment->destination_port, h.source, segment->source_port, h.destination, arrival,
                                wire::Buffer(segment->data.begin(), segment->data.end())});
}

void Node::transmit(Locator link, Ilv destination, wire::NextHeader next_header, wire::Bytes payload) {
  wire::Header h;
  h.next_header = static_cast<std::uint8_t>(next_header);
  h.hop_limit = config_.hop_limit;
  h.source = Ilv{link, config_.nid};
  h.destination = destination;
  send_datagram(link, wire::encode_packet(h, payload));
}

void Node::send_datagram(Locator link, wire::Buffer bytes) {
  ++stats_.datagrams_out;
  stats_.bytes_out += bytes.size();
  links_.on(link).count_out(bytes.size());
  actions_.emplace_back(Transmit{link, std::move(bytes)});
}

std::optional<Locator> Node::way_to(Locator destination, Instant now) {
  if (is_active(destination)) return destination;
  if (auto via = routes_.lookup(destination, now)) return via;
  // Just moved off it in a soft handoff: still joined, so still a way there
  // until a route through the new locators is learned.
  if (is_linked(destination)) return destination;
  return std::nullopt;
}

void Node::send_discovery(Locator link, bool solicitation, Instant now) {
  if (secure()) return send_secure_discovery(link, solicitation, now);
  auto payload = wire::encode_discovery(wire::Discovery{config_.nid, link, solicitation, config_.hostname});
  ++(solicitation ? stats_.solicitations_sent : stats_.advertisements_sent);
  transmit(link, Ilv{kAllNodes, Nid{0}}, wire::NextHeader::discovery, payload);
}

void Node::ask_for_routes(Instant now) {
  if (now < earliest_ask_) return;
  earliest_ask_ = now + kAskInterval;
  solicit_.solicit_soon(now);
}

bool Node::bind(Port port) { return bound_.insert(port).second; }
void Node::unbind(Port port) { bound_.erase(port); }

SendStatus Node::send_to(Instant now, Port source_port, Ilv destination, Port destination_port, wire::Bytes data) {
  if (data.size() > config_.max_transport_data()) {
    stats_.count(DropReason::payload_too_large);
    return SendStatus::too_large;
  }
  destination.locator = peer_bindings_.locator_for(destination, now);
  auto via = way_to(destination.locator, now);
  if (!via) {
    stats_.count(DropReason::no_route);
    ask_for_routes(now);
    return SendStatus::no_route;
  }
  auto segment = wire::encode_transport(source_port, destination_port, data);
  if (secure()) peer_keys_.talked_to(destination.nid, now);  // its key outranks strangers'
  if (sealed_) {
    // Never in clear when encryption is on: without the peer's key, ask and drop.
    auto key = peer_keys_.key_of(destination.nid);
    if (!key) {
      stats_.count(DropReason::no_peer_key);
      ask_for_routes(now);
      return SendStatus::no_peer_key;
    }
    transmit(*via, destination, wire::NextHeader::sealed_transport, sealed_->seal(destination.nid, *key, segment));
    correspondents_.touch(destination, now);
    return SendStatus::sent;
  }
  transmit(*via, destination, wire::NextHeader::transport, segment);
  correspondents_.touch(destination, now);
  return SendStatus::sent;
}

SendStatus Node::send_to_host(Instant now, Port source_port, const std::string& hostname, Port destination_port,
                              wire::Bytes data) {
  auto ilv = names_.resolve(hostname, now);
  if (!ilv) {
    stats_.count(DropReason::unknown_host);
    ask_for_routes(now);
    return SendStatus::unknown_host;
  }
  return send_to(now, source_port, *ilv, destination_port, data);
}

void Node::handle_timeout(Instant now) {
  if (now >= leave_at_) leave_old_locators();
  if (now >= next_move_) on_move_due(now);
  send_due_updates(now);
  for (const auto& r : routes_.expire(now))
    log_.log(Layer::network, Level::info,
             [&] { return "expired route to " + r.destination.to_string() + " via " + r.via.to_string(); });
  peer_keys_.expire(now);
  for (const auto& e : names_.expire(now))
    log_.log(Layer::discovery, Level::info, [&] { return "expired name " + e.hostname + " at " + e.ilv.to_string(); });
  if (now >= next_route_refresh_ || now >= routes_.next_deadline()) {
    next_route_refresh_ = kNever;
    if (!routes_.needing_refresh(now).empty()) {
      // Routes in use outlive their ttl only while we keep asking.
      ask_for_routes(now);
      next_route_refresh_ = now + kAskInterval;
    }
  }
  if (now >= solicit_.next_due() && solicit_.on_solicit_due(now, rng_)) {
    for (auto l : active_) send_discovery(l, true, now);
    log_.log(Layer::discovery, Level::debug, [&] { return std::string("sent solicitations"); });
  }
}

std::optional<Action> Node::poll_action() { return actions_.pop(); }

Instant Node::next_timeout() const {
  return std::min({solicit_.next_due(), routes_.next_deadline(), names_.next_deadline(), next_route_refresh_,
                   next_move_, leave_at_, updates_.next_deadline()});
}

}  // namespace ilnp
