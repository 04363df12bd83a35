// The SCTP side of the stream gateway: usrsctp associations and the packets
// between them and the node, glued to core/stream's Peer (ids, pieces, path,
// heartbeats) and Session (each stream's messages). Everything runs on the
// event loop outside usrsctp (SctpStack defers its callbacks), so handlers
// may send at once.
#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <boost/asio/post.hpp>

#include "ilnp/io/clock.hpp"
#include "sctp_gateway_impl.hpp"

namespace ilnp::io {

namespace {

constexpr auto kHousekeepingPeriod = std::chrono::milliseconds(200);
constexpr Duration kResolveTimeout = std::chrono::seconds(5);
constexpr std::uint32_t kSmallestSctpPacket = 512 + 12;  // usrsctp's SCTP_SMALLEST_PMTU + common header
constexpr std::uint32_t kSocketBuffer = 1 << 20;
constexpr std::uint8_t kChunkInit = 1;

// An SCTP packet whose first chunk is INIT: the start of an association.
bool is_init(wire::Bytes packet) {
  return packet.size() >= 16 && std::to_integer<std::uint8_t>(packet[12]) == kChunkInit;
}

std::uint32_t connection_of(const mux::Control& m) {
  return std::visit([](const auto& x) { return x.connection; }, m);
}

}  // namespace

StreamGateway::StreamGateway(boost::asio::io_context& io, NodeDriver& driver, Logger logger,
                             StreamGatewayOptions options)
    : impl_(std::make_unique<Impl>(io, driver, std::move(logger), options)) {}
StreamGateway::~StreamGateway() = default;
std::optional<std::string> StreamGateway::listen(Port tcp_port, proxy::Remote remote, std::string service) {
  return impl_->listen(tcp_port, std::move(remote), std::move(service));
}
std::optional<std::string> StreamGateway::unlisten(Port tcp_port) { return impl_->unlisten(tcp_port); }
std::optional<std::string> StreamGateway::serve(std::string service, std::string host, Port port,
                                                proxy::PeerAllowList allowed) {
  return impl_->serve(std::move(service), std::move(host), port, std::move(allowed));
}
std::optional<std::string> StreamGateway::unserve(const std::string& service) { return impl_->unserve(service); }
StreamGatewaySnapshot StreamGateway::snapshot() { return impl_->snapshot(); }
void StreamGateway::on_event(const Event& event) { impl_->on_event(event); }

StreamGateway::Impl::Impl(boost::asio::io_context& io, NodeDriver& driver, Logger logger, StreamGatewayOptions options)
    : io_(io), driver_(driver), log_(std::move(logger)), options_(options), housekeeping_(io), heartbeats_(io) {
  auto largest = driver_.node().config().max_transport_data();
  if (largest < kSmallestSctpPacket)
    throw std::runtime_error("the overlay carries at most " + std::to_string(largest) +
                             " bytes per datagram; SCTP needs " + std::to_string(kSmallestSctpPacket) +
                             " (raise link.buffer_size)");
  mtu_ = static_cast<std::uint32_t>(std::min<std::size_t>(largest, 65535));
  stack_ = std::make_unique<SctpStack>(
      io_, [this](const std::vector<SctpPacket>& packets) { on_packets(packets); },
      [this](std::uint64_t key) { on_ready(key); });
  if (!driver_.bind(options_.port, [this](const Deliver& d) { on_datagram(d); }))
    throw std::runtime_error("transport port " + std::to_string(options_.port) +
                             " is already bound on this node (a proxy mapping or an application)");
  log_.log(Layer::transport, Level::info, [&] {
    return "stream gateway on transport port " + std::to_string(options_.port) + ", SCTP packets of at most " +
           std::to_string(mtu_) + " bytes";
  });
}

StreamGateway::Impl::~Impl() {
  boost::system::error_code ec;
  for (auto& [port, l] : listeners_)
    for (auto& a : l->acceptors) a.close(ec);
  for (auto& [id, c] : connections_) {
    c->session.abort("the node is stopping");
    apply_tcp_actions(*c);  // RST to the TCP programs
  }
  for (auto& [nid, p] : peers_) p->association.reset();  // ABORT: the peers learn at once
  stack_->flush();                                       // the loop no longer runs: send the ABORTs now
  driver_.with_node([this](Node& node, Instant) {
    node.unbind(options_.port);
    return 0;
  });
  peers_.clear();
  stack_.reset();  // before the members its callbacks use
}

// ---- packets between the node and usrsctp

void StreamGateway::Impl::on_datagram(const Deliver& d) {
  ++counters_.packets_in;
  auto* peer = peer_for(d.source.nid);
  if (!peer) {
    ++counters_.refused_peers;
    return;
  }
  peer->last_source = d.source;
  peer->state.handle_heard(now());
  peer->remote_port = d.source_port;  // RFC 6951: the peer's port is the source port it uses
  ++peer->packets_in;
  // An INIT starts an association (both ends connect: SCTP merges the two
  // attempts). Anything else without one is answered by usrsctp (ABORT).
  if (!peer->association && is_init(d.data) && !ensure_association(*peer)) return;
  stack_->input(d.source.nid.value, d.data);
}

void StreamGateway::Impl::on_packets(const std::vector<SctpPacket>& packets) {
  driver_.with_node([&](Node& node, Instant t) {
    for (const auto& p : packets) {
      auto* peer = find_peer(Nid{p.key});
      if (!peer) {
        ++counters_.unresolved;
        continue;
      }
      auto to = peer->state.path(node, t);
      if (!to) {
        ++counters_.unresolved;
        ++peer->unsent;
        node.request_discovery(t);
        continue;
      }
      auto status = node.send_to(t, options_.port, *to, peer->remote_port ? peer->remote_port : options_.port, p.bytes);
      switch (status) {
        case SendStatus::sent:
          ++counters_.packets_out;
          ++peer->packets_out;
          counters_.largest_packet = std::max<std::uint64_t>(counters_.largest_packet, p.bytes.size());
          break;
        case SendStatus::too_large:
          ++counters_.too_large;
          ++peer->unsent;
          if (!std::exchange(too_large_reported_, true))
            log_.log(Layer::transport, Level::error, [&] {
              return "stream gateway: a " + std::to_string(p.bytes.size()) +
                     "-byte SCTP packet does not fit a transport datagram (reported once)";
            });
          break;
        case SendStatus::no_route:
          ++counters_.no_route;
          ++peer->unsent;
          break;
        default:
          ++peer->unsent;
          break;
      }
    }
    return 0;
  });
}

// ---- peers and associations

GatewayPeer* StreamGateway::Impl::find_peer(Nid nid) {
  auto it = peers_.find(nid);
  return it == peers_.end() ? nullptr : it->second.get();
}

GatewayPeer* StreamGateway::Impl::peer_for(Nid nid) {
  if (auto* p = find_peer(nid)) return p;
  auto self = driver_.node().config().nid;
  if (nid == self) return nullptr;
  if (peers_.size() >= kMaxPeers) {
    // Evict the peer heard from longest ago among those with nothing open.
    auto victim = peers_.end();
    for (auto it = peers_.begin(); it != peers_.end(); ++it)
      if (!it->second->association && it->second->streams.empty() && it->second->waiting.empty() &&
          (victim == peers_.end() || it->second->state.last_heard() < victim->second->state.last_heard()))
        victim = it;
    if (victim == peers_.end()) return nullptr;
    stack_->forget(victim->first.value);  // nothing of usrsctp names it: it has no association
    peers_.erase(victim);
  }
  auto& p = peers_[nid];
  p = std::make_unique<GatewayPeer>(self, nid);
  arm_housekeeping();
  return p.get();
}

bool StreamGateway::Impl::ensure_association(GatewayPeer& peer) {
  if (peer.association) return true;
  auto nid = peer.state.nid();
  try {
    peer.association = std::make_unique<SctpAssociation>(
        *stack_, nid.value,
        SctpAssociationOptions{.port = options_.port, .mtu = mtu_, .buffer_bytes = kSocketBuffer, .streams = kStreams});
    peer.state.handle_down();  // not up until usrsctp says so
    log_.log(Layer::transport, Level::info, [&] { return "starting an SCTP association with " + peer_name(nid); });
    return true;
  } catch (const std::exception& e) {
    peer.last_error = e.what();
    log_.log(Layer::transport, Level::warn,
             [&] { return "cannot start an SCTP association with " + peer_name(nid) + ": " + e.what(); });
    return false;
  }
}

void StreamGateway::Impl::on_ready(std::uint64_t key) {
  auto* peer = find_peer(Nid{key});
  if (!peer) return;
  while (peer->association) {  // on_sctp_event may end the association
    auto received = peer->association->receive();
    if (!received) break;
    if (auto* event = std::get_if<SctpEvent>(&*received))
      on_sctp_event(*peer, *event);
    else
      on_piece(*peer, std::get<SctpMessage>(*received));
  }
  pump(*peer);
}

void StreamGateway::Impl::on_sctp_event(GatewayPeer& peer, const SctpEvent& event) {
  auto nid = peer.state.nid();
  switch (event.kind) {
    case SctpEventKind::restarted:
    case SctpEventKind::up: {
      if (event.kind == SctpEventKind::restarted) {
        log_.log(Layer::transport, Level::warn, [&] {
          return "the SCTP association with " + peer_name(nid) + " restarted: its streams are lost";
        });
        lose_streams(peer, "the peer restarted the association");
      }
      peer.state.handle_up(event.streams);
      log_.log(Layer::transport, Level::info, [&] {
        return "SCTP association with " + peer_name(nid) + " up: " + std::to_string(event.streams) + " streams";
      });
      auto waiting = std::move(peer.waiting);
      peer.waiting.clear();
      for (auto& c : waiting)
        if (c->session.phase() != stream::Phase::finished) start_stream(peer, c);
      break;
    }
    case SctpEventKind::remote_error:
      peer.last_error = event.detail;
      log_.log(Layer::transport, Level::warn, [&] { return "SCTP peer " + peer_name(nid) + ": " + event.detail; });
      break;
    case SctpEventKind::lost:
    case SctpEventKind::shut_down:
    case SctpEventKind::cannot_start:
      drop_association(peer, std::string(to_string(event.kind)) + ": " + event.detail);
      break;
  }
}

// The streams on the association are gone with it (ended or restarted).
void StreamGateway::Impl::lose_streams(GatewayPeer& peer, const std::string& why) {
  auto streams = std::move(peer.streams);
  peer.streams.clear();
  for (auto& [id, c] : streams) {
    c->session.handle_stream_lost();
    fail(*c, why);
  }
}

void StreamGateway::Impl::drop_association(GatewayPeer& peer, const std::string& reason) {
  auto nid = peer.state.nid();
  peer.last_error = reason;
  bool had_streams = !peer.streams.empty() || !peer.waiting.empty();
  log_.log(Layer::transport, had_streams ? Level::warn : Level::info,
           [&] { return "SCTP association with " + peer_name(nid) + " ended (" + reason + ")"; });
  auto waiting = std::move(peer.waiting);
  peer.waiting.clear();
  peer.state.handle_down();
  peer.association.reset();
  lose_streams(peer, "the SCTP association with " + peer_name(nid) + " ended (" + reason + ")");
  for (auto& c : waiting)
    if (c->session.phase() != stream::Phase::finished)
      fail(*c, "no SCTP association with " + peer_name(nid) + " (" + reason + ")");
}

void StreamGateway::Impl::protocol_error(GatewayPeer& peer, const std::string& what) {
  ++counters_.protocol_errors;
  peer.last_error = what;
  log_.log(Layer::transport, Level::warn,
           [&] { return "stream protocol error from " + peer_name(peer.state.nid()) + ": " + what; });
}

// ---- stream messages

void StreamGateway::Impl::on_piece(GatewayPeer& peer, const SctpMessage& piece) {
  auto received = peer.state.handle_piece(piece.stream, piece.ppid, piece.data, piece.end);
  if (auto* error = std::get_if<stream::PieceError>(&received)) return protocol_error(peer, error->what);
  if (auto* control = std::get_if<stream::ControlMessage>(&received))
    return on_control(peer, control->stream, control->message);
  auto* data = std::get_if<stream::DataPiece>(&received);
  if (!data) return;  // a control message still arriving
  auto it = peer.streams.find(data->stream);
  auto id = std::to_string(data->stream);
  if (it == peer.streams.end()) return protocol_error(peer, "DATA on stream " + id + ", which is not open");
  auto c = it->second;
  switch (c->session.handle_data(data->data)) {
    case stream::DataResult::accepted:
      return write_more(c);
    case stream::DataResult::dropped:  // being aborted
      return;
    case stream::DataResult::after_end:
      return protocol_error(peer, "DATA after the end of stream " + id);
    case stream::DataResult::beyond_credit:
      protocol_error(peer, "DATA beyond the credit on stream " + id);
      return fail(*c, "the peer sent beyond its credit");
  }
}

void StreamGateway::Impl::on_control(GatewayPeer& peer, std::uint16_t stream, const mux::Control& message) {
  if (auto* open = std::get_if<mux::Open>(&message)) return on_open(peer, stream, *open);
  auto it = peer.streams.find(stream);
  // A message for a connection that has gone (a CREDIT or RESET that
  // crossed our end): nothing to do.
  if (it == peer.streams.end() || it->second->session.connection() != connection_of(message)) return;
  auto c = it->second;
  if (auto* credit = std::get_if<mux::Credit>(&message)) {
    if (c->session.handle_credit(credit->consumed)) return read_more(c);
    protocol_error(peer, "CREDIT beyond what was sent on stream " + std::to_string(stream));
    return fail(*c, "the peer's credit is beyond what was sent");
  }
  if (std::holds_alternative<mux::Fin>(message)) {
    if (c->session.handle_fin() == stream::EndResult::second_end)
      return protocol_error(peer, "a second end on stream " + std::to_string(stream));
    write_more(c);  // shuts the TCP write side once the data before the FIN is written
  } else {
    const auto& reset = std::get<mux::Reset>(message);
    if (c->session.handle_reset("reset by " + peer_name(peer.state.nid()) + ": " + reset.reason) ==
        stream::EndResult::second_end)
      return protocol_error(peer, "a second end on stream " + std::to_string(stream));
    log_.log(Layer::transport, Level::info, [&] { return describe(*c) + ": reset by the peer: " + reset.reason; });
  }
  settle(*c);
}

void StreamGateway::Impl::on_open(GatewayPeer& peer, std::uint16_t stream, const mux::Open& open) {
  if (!peer.state.ids().accept_peer(stream))
    return protocol_error(peer,
                          "OPEN on stream " + std::to_string(stream) + ", which is in use or not the peer's to open");
  auto nid = peer.state.nid();
  auto c = std::make_shared<GatewayConnection>(io_, stream::Session::inbound(options_.window, stream, open.connection));
  c->id = next_id_++;
  c->service = open.service;
  c->peer = nid;
  c->opened = now();
  peer.streams[stream] = c;
  connections_[c->id] = c;
  auto admitted = services_.admit(open.service, nid, driver_.node().names(), c->opened,
                                  driver_.node().config().hostname, connections_.size() > kMaxConnections);
  if (auto* refusal = std::get_if<stream::Refusal>(&admitted)) {
    if (refusal->not_allowed) ++counters_.refused_not_allowed;
    return refuse(*c, refusal->why);
  }
  const auto& service = *std::get<const stream::Service*>(admitted);
  c->tcp_text = service.host + ":" + std::to_string(service.port);
  log_.log(Layer::transport, Level::info, [&] { return describe(*c) + ": opened by the peer"; });
  connect_service(c, service);
}

// A stream the peer may not open: RESET with the reason. Peers choose how
// often this happens, so the log line is rate limited.
void StreamGateway::Impl::refuse(GatewayConnection& c, const std::string& why) {
  if (refusals_log_.admit(c.opened))
    log_.log(Layer::transport, Level::warn, [&] {
      return "refused a stream from " + peer_name(*c.peer) + " for service " + c.service + ": " + why +
             refusals_log_.suppressed_suffix();
    });
  c.session.refuse(why);
  settle(c);
}

void StreamGateway::Impl::start_stream(GatewayPeer& peer, const ConnectionPtr& c) {
  auto id = peer.state.ids().allocate();
  if (!id)
    return fail(*c, "all " + std::to_string(peer.state.ids().used()) + " streams to " +
                        peer_name(peer.state.nid()) + " are in use");
  c->session.handle_stream_started(*id, next_connection_id_++, c->service);
  peer.streams[*id] = c;
  log_.log(Layer::transport, Level::info, [&] { return describe(*c) + ": opened"; });
}

void StreamGateway::Impl::pump(GatewayPeer& peer) {
  if (!peer.association || !peer.state.up() || peer.streams.empty()) return;
  std::vector<ConnectionPtr> order;
  for (auto& [id, c] : peer.streams) order.push_back(c);
  // Round robin: whoever was blocked last time goes first.
  auto start = peer.next_turn % order.size();
  peer.next_turn = start + 1;
  for (std::size_t i = 0; i < order.size(); ++i) {
    auto& c = order[(start + i) % order.size()];
    auto sent = send_pending(peer, *c);
    if (sent == Sent::failed) return drop_association(peer, peer.last_error);
    settle(*c);
    if (sent == Sent::blocked) {
      peer.next_turn = start + i;  // resumed when SACKs free the send buffer (an upcall)
      break;
    }
  }
  for (auto& c : order) read_more(c);
}

StreamGateway::Impl::Sent StreamGateway::Impl::send_pending(GatewayPeer& peer, GatewayConnection& c) {
  while (auto message = c.session.poll_message()) {
    if (auto s = send_message(peer, *c.session.stream(), message->kind, message->payload); s != Sent::all) return s;
    c.session.handle_sent(message->kind);
  }
  return Sent::all;
}

StreamGateway::Impl::Sent StreamGateway::Impl::send_message(GatewayPeer& peer, std::uint16_t stream, mux::Kind kind,
                                                            wire::Bytes payload) {
  int error = 0;
  switch (peer.association->send(stream, static_cast<std::uint32_t>(kind), payload, error)) {
    case SctpSend::sent:
      return Sent::all;
    case SctpSend::would_block:
      return Sent::blocked;
    case SctpSend::failed:
      break;
  }
  peer.last_error = "sending " + std::string(mux::to_string(kind)) + " on stream " + std::to_string(stream) + ": " +
                    std::strerror(error);
  return Sent::failed;
}

void StreamGateway::Impl::pump_for(GatewayConnection& c) {
  if (!c.peer) return;
  if (auto* peer = find_peer(*c.peer)) pump(*peer);
}

// ---- outbound connections: from a listener to a peer

void StreamGateway::Impl::attach(const ConnectionPtr& c) {
  auto t = now();
  auto& node = driver_.node();
  auto target = stream::resolve(*c->remote, node, t);
  if (!target) {
    switch (c->session.handle_unresolved(t, kResolveTimeout)) {
      case stream::Session::Unresolved::asking:
        resolving_.push_back(c);
        driver_.with_node([](Node& n, Instant now_) {
          n.request_discovery(now_);
          return 0;
        });
        arm_housekeeping();
        break;
      case stream::Session::Unresolved::still_asking:
        resolving_.push_back(c);
        break;
      case stream::Session::Unresolved::expired:
        fail(*c, c->remote->to_string() + " is unknown: discovery has no answer after " +
                     std::to_string(std::chrono::duration_cast<std::chrono::seconds>(kResolveTimeout).count()) + " s");
        break;
    }
    return;
  }
  if (target->nid == node.config().nid) return fail(*c, c->remote->to_string() + " is this node");
  auto* peer = peer_for(target->nid);
  if (!peer) return fail(*c, "too many peers");
  if (target->where) peer->state.handle_named(*target->where);
  c->peer = target->nid;
  if (!ensure_association(*peer)) return fail(*c, "cannot start an SCTP association: " + peer->last_error);
  if (!peer->state.up()) {
    c->session.handle_waiting();
    peer->waiting.push_back(c);
    return;
  }
  start_stream(*peer, c);
  pump(*peer);
}

// ---- moves: the node's notices

void StreamGateway::Impl::on_event(const Event& event) {
  if (std::holds_alternative<Moved>(event)) {
    // We moved: every peer should hear from our new locator at once.
    for (auto& [nid, p] : peers_)
      if (p->state.up()) p->state.handle_moved();
  } else if (auto* relocated = std::get_if<PeerRelocated>(&event)) {
    auto* peer = find_peer(relocated->nid);
    if (!peer) return;
    peer->state.handle_moved();  // it moved: confirm the path now (proto/usrsctp.md, "Moves")
    log_.log(Layer::transport, Level::debug, [&] { return peer_name(relocated->nid) + " moved"; });
  } else {
    return;
  }
  // Not from inside the node's notice: heartbeats make usrsctp send.
  boost::asio::post(io_, [this] { send_heartbeats(); });
}

void StreamGateway::Impl::send_heartbeats() {
  auto t = now();
  for (auto& [nid, p] : peers_) {
    if (!p->state.poll_heartbeat(t)) continue;
    p->association->demand_heartbeat();
    log_.log(Layer::transport, Level::debug,
             [&] { return "asked " + peer_name(nid) + " for a heartbeat after a move"; });
  }
  arm_heartbeats();
}

void StreamGateway::Impl::arm_heartbeats() {
  auto next = kNever;
  for (auto& [nid, p] : peers_) next = std::min(next, p->state.next_timeout());
  if (next == kNever) return;
  heartbeats_.expires_after(std::max(next - now(), Duration{0}));
  heartbeats_.async_wait([this](boost::system::error_code ec) {
    if (!ec) send_heartbeats();
  });
}

// ---- housekeeping: names, idle peers

void StreamGateway::Impl::arm_housekeeping() {
  if (std::exchange(housekeeping_armed_, true)) return;
  housekeeping_.expires_after(kHousekeepingPeriod);
  housekeeping_.async_wait([this](boost::system::error_code ec) {
    if (!ec) housekeeping();
  });
}

void StreamGateway::Impl::housekeeping() {
  housekeeping_armed_ = false;
  auto t = now();
  // Sends wait for upcalls (SACKs freeing the send buffer); this is only a
  // safety net should one be missed.
  for (auto& [nid, p] : peers_) pump(*p);
  auto resolving = std::move(resolving_);
  resolving_.clear();
  for (auto& c : resolving)
    if (c->session.phase() != stream::Phase::finished) attach(c);
  for (auto it = peers_.begin(); it != peers_.end();) {
    auto& p = *it->second;
    if (!p.association && p.streams.empty() && p.waiting.empty() && p.state.idle(t)) {
      stack_->forget(it->first.value);
      it = peers_.erase(it);
    } else {
      ++it;
    }
  }
  if (!peers_.empty() || !resolving_.empty()) arm_housekeeping();
}

std::string StreamGateway::Impl::peer_name(Nid nid) const {
  auto name = driver_.node().names().name_of(nid);
  return name ? *name + " (" + nid.to_string() + ")" : nid.to_string();
}

std::string StreamGateway::Impl::describe(const GatewayConnection& c) const {
  std::string text = "stream " + std::to_string(c.id) + " (";
  if (c.outbound) {
    text += c.tcp_text + " -> " + (c.peer ? peer_name(*c.peer) : c.remote->to_string()) + " service " + c.service;
  } else {
    text += (c.peer ? peer_name(*c.peer) : std::string("?")) + " service " + c.service + " -> " + c.tcp_text;
  }
  if (auto id = c.session.stream()) text += ", SCTP stream " + std::to_string(*id);
  return text + ")";
}

}  // namespace ilnp::io
