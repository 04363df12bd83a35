// The SCTP side of the stream gateway: peers and their associations, the
// packets to and from the node, and the stream messages. Everything runs on
// the event loop outside usrsctp (SctpStack defers its callbacks), so
// handlers may send at once.
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
// The source of the peer's latest packet is where it is; older than this,
// discovery and locator updates (the name cache) know better.
constexpr Duration kLastSourceFresh = std::chrono::seconds(5);
constexpr Duration kHeartbeatSpacing = std::chrono::milliseconds(500);
constexpr Duration kIdlePeerKept = std::chrono::seconds(120);
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

StreamGateway::Impl::Impl(boost::asio::io_context& io, NodeDriver& driver, Logger logger, StreamGatewayOptions options)
    : io_(io), driver_(driver), log_(std::move(logger)), options_(options), housekeeping_(io) {
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
  own_locators_ = driver_.node().active_locators();
  log_.log(Layer::transport, Level::info, [&] {
    return "stream gateway on transport port " + std::to_string(options_.port) + ", SCTP packets of at most " +
           std::to_string(mtu_) + " bytes";
  });
}

StreamGateway::Impl::~Impl() {
  boost::system::error_code ec;
  for (auto& [port, l] : listeners_)
    for (auto& a : l->acceptors) a.close(ec);
  for (auto& [id, c] : connections_) abort_tcp(*c);
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
  if (peer->last_source && peer->last_source->locator != d.source.locator) {
    peer->heartbeat_due = true;  // it moved: confirm the path now (proto/usrsctp.md, "Moves")
    log_.log(Layer::transport, Level::debug, [&] {
      return peer_name(peer->nid) + " now sends from " + d.source.locator.to_string() + " (was " +
             peer->last_source->locator.to_string() + ")";
    });
    arm_housekeeping();
  }
  peer->last_source = d.source;
  peer->last_heard = now();
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
      // Where the peer is now: the source of its latest packet while fresh,
      // else what discovery and locator updates say; the node then applies
      // the peer's newest locator update (its peer bindings).
      std::optional<Ilv> to;
      if (peer->last_source && t - peer->last_heard < kLastSourceFresh) to = peer->last_source;
      if (!to) to = node.resolve(peer->nid, t);
      if (!to) to = peer->last_source;
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
  if (nid == driver_.node().config().nid) return nullptr;
  if (peers_.size() >= kMaxPeers) {
    // Evict the peer heard from longest ago among those with nothing open.
    auto victim = peers_.end();
    for (auto it = peers_.begin(); it != peers_.end(); ++it)
      if (!it->second->association && it->second->streams.empty() && it->second->waiting.empty() &&
          (victim == peers_.end() || it->second->last_heard < victim->second->last_heard))
        victim = it;
    if (victim == peers_.end()) return nullptr;
    stack_->forget(victim->first.value);  // nothing of usrsctp names it: it has no association
    peers_.erase(victim);
  }
  auto& p = peers_[nid];
  p = std::make_unique<GatewayPeer>();
  p->nid = nid;
  arm_housekeeping();
  return p.get();
}

bool StreamGateway::Impl::ensure_association(GatewayPeer& peer) {
  if (peer.association) return true;
  try {
    peer.association = std::make_unique<SctpAssociation>(
        *stack_, peer.nid.value,
        SctpAssociationOptions{.port = options_.port, .mtu = mtu_, .buffer_bytes = kSocketBuffer, .streams = kStreams});
    peer.up = false;
    log_.log(Layer::transport, Level::info, [&] { return "starting an SCTP association with " + peer_name(peer.nid); });
    return true;
  } catch (const std::exception& e) {
    peer.last_error = e.what();
    log_.log(Layer::transport, Level::warn,
             [&] { return "cannot start an SCTP association with " + peer_name(peer.nid) + ": " + e.what(); });
    return false;
  }
}

void StreamGateway::Impl::on_ready(std::uint64_t key) {
  auto* peer = find_peer(Nid{key});
  if (!peer) return;
  while (peer->association) {  // on_event may end the association
    auto received = peer->association->receive();
    if (!received) break;
    if (auto* event = std::get_if<SctpEvent>(&*received))
      on_event(*peer, *event);
    else
      on_piece(*peer, std::get<SctpMessage>(*received));
  }
  pump(*peer);
}

void StreamGateway::Impl::on_event(GatewayPeer& peer, const SctpEvent& event) {
  switch (event.kind) {
    case SctpEventKind::restarted:
    case SctpEventKind::up: {
      if (event.kind == SctpEventKind::restarted) {
        log_.log(Layer::transport, Level::warn, [&] {
          return "the SCTP association with " + peer_name(peer.nid) + " restarted: its streams are lost";
        });
        for (auto& [id, c] : std::map(peer.streams)) {
          c->released = true;
          fail(*c, "the peer restarted the association");
        }
        peer.streams.clear();
        peer.partial.clear();
      }
      peer.up = true;
      // The end with the smaller NID opens even stream ids, the other odd ones.
      peer.ids = mux::StreamIds(driver_.node().config().nid > peer.nid, event.streams);
      log_.log(Layer::transport, Level::info, [&] {
        return "SCTP association with " + peer_name(peer.nid) + " up: " + std::to_string(event.streams) + " streams";
      });
      auto waiting = std::move(peer.waiting);
      peer.waiting.clear();
      for (auto& c : waiting)
        if (!c->finished) start_stream(peer, c);
      break;
    }
    case SctpEventKind::remote_error:
      peer.last_error = event.detail;
      log_.log(Layer::transport, Level::warn, [&] { return "SCTP peer " + peer_name(peer.nid) + ": " + event.detail; });
      break;
    case SctpEventKind::lost:
    case SctpEventKind::shut_down:
    case SctpEventKind::cannot_start:
      drop_association(peer, std::string(to_string(event.kind)) + ": " + event.detail);
      break;
  }
}

void StreamGateway::Impl::drop_association(GatewayPeer& peer, const std::string& reason) {
  peer.last_error = reason;
  bool had_streams = !peer.streams.empty() || !peer.waiting.empty();
  log_.log(Layer::transport, had_streams ? Level::warn : Level::info,
           [&] { return "SCTP association with " + peer_name(peer.nid) + " ended (" + reason + ")"; });
  auto streams = std::move(peer.streams);
  auto waiting = std::move(peer.waiting);
  peer.streams.clear();
  peer.waiting.clear();
  peer.partial.clear();
  peer.association.reset();
  peer.up = false;
  for (auto& [id, c] : streams) {
    c->released = true;  // the stream went with the association
    fail(*c, "the SCTP association with " + peer_name(peer.nid) + " ended (" + reason + ")");
  }
  for (auto& c : waiting)
    if (!c->finished) fail(*c, "no SCTP association with " + peer_name(peer.nid) + " (" + reason + ")");
}

void StreamGateway::Impl::protocol_error(GatewayPeer& peer, const std::string& what) {
  ++counters_.protocol_errors;
  peer.last_error = what;
  log_.log(Layer::transport, Level::warn,
           [&] { return "stream protocol error from " + peer_name(peer.nid) + ": " + what; });
}

// ---- stream messages

void StreamGateway::Impl::on_piece(GatewayPeer& peer, const SctpMessage& piece) {
  auto kind = mux::kind_of(piece.ppid);
  if (!kind)
    return protocol_error(peer,
                          "unknown PPID " + std::to_string(piece.ppid) + " on stream " + std::to_string(piece.stream));
  if (*kind == mux::Kind::data) {
    // Bytes are bytes: pieces of a DATA message go to TCP as they come.
    auto it = peer.streams.find(piece.stream);
    if (it == peer.streams.end())
      return protocol_error(peer, "DATA on stream " + std::to_string(piece.stream) + ", which is not open");
    auto c = it->second;
    if (c->end_received()) return protocol_error(peer, "DATA after the end of stream " + std::to_string(piece.stream));
    if (!c->receive_credit.on_data(piece.data.size())) {
      protocol_error(peer, "DATA beyond the credit on stream " + std::to_string(piece.stream));
      return fail(*c, "the peer sent beyond its credit");
    }
    if (c->tcp_closed || c->reset_to_send || c->reset_sent) return;  // being aborted: dropped
    c->writes.emplace_back(piece.data.begin(), piece.data.end());
    return write_more(c);
  }
  auto& buffer = peer.partial[piece.stream];
  if (buffer.size() + piece.data.size() > mux::kMaxControlMessage) {
    peer.partial.erase(piece.stream);
    return protocol_error(peer, std::string(mux::to_string(*kind)) + " message too long");
  }
  buffer.insert(buffer.end(), piece.data.begin(), piece.data.end());
  if (!piece.end) return;
  auto bytes = std::move(buffer);
  peer.partial.erase(piece.stream);
  auto decoded = mux::decode(*kind, bytes);
  if (auto* why = std::get_if<std::string>(&decoded)) return protocol_error(peer, *why);
  on_control(peer, piece.stream, std::get<mux::Control>(decoded));
}

void StreamGateway::Impl::on_control(GatewayPeer& peer, std::uint16_t stream, const mux::Control& message) {
  if (auto* open = std::get_if<mux::Open>(&message)) return on_open(peer, stream, *open);
  auto it = peer.streams.find(stream);
  // A message for a connection that has gone (a CREDIT or RESET that
  // crossed our end): nothing to do.
  if (it == peer.streams.end() || it->second->connection_id != connection_of(message)) return;
  auto c = it->second;
  if (auto* credit = std::get_if<mux::Credit>(&message)) {
    if (!c->send_credit.on_credit(credit->consumed)) {
      protocol_error(peer, "CREDIT beyond what was sent on stream " + std::to_string(stream));
      return fail(*c, "the peer's credit is beyond what was sent");
    }
    return read_more(c);
  }
  // Each direction ends once, with FIN or RESET; a RESET may still follow a FIN.
  if (c->reset_received || (c->fin_received && std::holds_alternative<mux::Fin>(message)))
    return protocol_error(peer, "a second end on stream " + std::to_string(stream));
  if (std::holds_alternative<mux::Fin>(message)) {
    c->fin_received = true;
    write_more(c);  // shuts the TCP write side once the data before the FIN is written
  } else {
    const auto& reset = std::get<mux::Reset>(message);
    c->reset_received = true;
    if (c->error.empty()) c->error = "reset by " + peer_name(peer.nid) + ": " + reset.reason;
    log_.log(Layer::transport, Level::info, [&] { return describe(*c) + ": reset by the peer: " + reset.reason; });
    abort_tcp(*c);
    c->writes.clear();
    if (!c->end_sent()) {
      c->reset_to_send = true;
      c->reset_reason = "reset acknowledged";
    }
  }
  release(peer, *c);
}

void StreamGateway::Impl::on_open(GatewayPeer& peer, std::uint16_t stream, const mux::Open& open) {
  if (!peer.ids.accept_peer(stream))
    return protocol_error(peer,
                          "OPEN on stream " + std::to_string(stream) + ", which is in use or not the peer's to open");
  auto c = std::make_shared<GatewayConnection>(io_, options_.window);
  c->id = next_id_++;
  c->service = open.service;
  c->peer = peer.nid;
  c->stream = stream;
  c->connection_id = open.connection;
  c->opened = now();
  peer.streams[stream] = c;
  connections_[c->id] = c;
  auto service = services_.find(open.service);
  if (service == services_.end())
    return refuse(*c, "no service '" + open.service + "' on " + driver_.node().config().hostname);
  if (connections_.size() > kMaxConnections) return refuse(*c, "too many connections");
  if (!service->second.allowed.admits(peer.nid, driver_.node().names(), c->opened)) {
    ++counters_.refused_not_allowed;
    ++service->second.refused;
    return refuse(*c, "service '" + open.service + "' on " + driver_.node().config().hostname +
                          " does not allow " + peer.nid.to_string());
  }
  ++service->second.accepted;
  c->tcp_text = service->second.host + ":" + std::to_string(service->second.port);
  log_.log(Layer::transport, Level::info, [&] { return describe(*c) + ": opened by the peer"; });
  connect_service(c, service->second);
}

// A stream the peer may not open: RESET with the reason. Peers choose how
// often this happens, so the log line is rate limited.
void StreamGateway::Impl::refuse(GatewayConnection& c, const std::string& why) {
  c.refused = true;
  c.tcp_closed = true;  // never opened
  if (refusals_log_.admit(c.opened))
    log_.log(Layer::transport, Level::warn, [&] {
      return "refused a stream from " + peer_name(*c.peer) + " for service " + c.service + ": " + why +
             refusals_log_.suppressed_suffix();
    });
  abort_connection(c, why);
}

void StreamGateway::Impl::start_stream(GatewayPeer& peer, const ConnectionPtr& c) {
  c->waiting = false;
  auto id = peer.ids.allocate();
  if (!id)
    return fail(*c, "all " + std::to_string(peer.ids.used()) + " streams to " + peer_name(peer.nid) + " are in use");
  c->stream = *id;
  c->connection_id = next_connection_id_++;
  c->open_to_send = true;
  peer.streams[*id] = c;
  log_.log(Layer::transport, Level::info, [&] { return describe(*c) + ": opened"; });
}

void StreamGateway::Impl::pump(GatewayPeer& peer) {
  if (!peer.association || !peer.up || peer.streams.empty()) return;
  std::vector<ConnectionPtr> order;
  for (auto& [id, c] : peer.streams) order.push_back(c);
  // Round robin: whoever was blocked last time goes first.
  auto start = peer.next_turn % order.size();
  peer.next_turn = start + 1;
  for (std::size_t i = 0; i < order.size(); ++i) {
    auto& c = order[(start + i) % order.size()];
    auto sent = send_pending(peer, *c);
    if (sent == Sent::failed) return drop_association(peer, peer.last_error);
    release(peer, *c);
    if (sent == Sent::blocked) {
      peer.next_turn = start + i;  // resumed when SACKs free the send buffer (an upcall)
      break;
    }
  }
  for (auto& c : order) read_more(c);
}

StreamGateway::Impl::Sent StreamGateway::Impl::send_pending(GatewayPeer& peer, GatewayConnection& c) {
  if (!c.stream || c.released) return Sent::all;
  auto stream = *c.stream;
  if (c.open_to_send) {
    auto payload = mux::encode(mux::Open{c.connection_id, c.service});
    if (auto s = send_message(peer, stream, mux::Kind::open, payload); s != Sent::all) return s;
    c.open_to_send = false;
  }
  if (c.credit_to_send && !c.end_received()) {
    auto payload = mux::encode(mux::Credit{c.connection_id, *c.credit_to_send});
    if (auto s = send_message(peer, stream, mux::Kind::credit, payload); s != Sent::all) return s;
  }
  c.credit_to_send.reset();
  if (c.reset_to_send) {
    if (!c.reset_sent) {
      auto payload = mux::encode(mux::Reset{c.connection_id, c.reset_reason});
      if (auto s = send_message(peer, stream, mux::Kind::reset, payload); s != Sent::all) return s;
      c.reset_sent = true;
    }
    c.reset_to_send = false;
    c.chunk_length = 0;
    return Sent::all;
  }
  if (c.chunk_length > 0 && !c.end_sent()) {
    if (auto s = send_message(peer, stream, mux::Kind::data, wire::Bytes(c.chunk.data(), c.chunk_length));
        s != Sent::all)
      return s;
    c.send_credit.on_sent(c.chunk_length);
    c.bytes_out += c.chunk_length;
    c.chunk_length = 0;
  }
  if (c.read_eof && c.chunk_length == 0 && !c.end_sent()) {
    auto payload = mux::encode(mux::Fin{c.connection_id});
    if (auto s = send_message(peer, stream, mux::Kind::fin, payload); s != Sent::all) return s;
    c.fin_sent = true;
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

void StreamGateway::Impl::release(GatewayPeer& peer, GatewayConnection& c) {
  if (c.stream && !c.released && c.end_sent() && c.end_received()) {
    peer.ids.release(*c.stream);
    peer.partial.erase(*c.stream);
    c.released = true;
    auto keep = peer.streams[*c.stream];  // c lives on in connections_ until finished
    peer.streams.erase(*c.stream);
  }
  finish_if_done(c);
}

void StreamGateway::Impl::pump_for(GatewayConnection& c) {
  if (!c.peer) return;
  if (auto* peer = find_peer(*c.peer)) pump(*peer);
}

// ---- outbound connections: from a listener to a peer

void StreamGateway::Impl::attach(const ConnectionPtr& c) {
  auto t = now();
  auto& node = driver_.node();
  std::optional<Nid> nid;
  std::optional<Ilv> where;
  std::visit(
      [&](const auto& target) {
        using T = std::decay_t<decltype(target)>;
        if constexpr (std::is_same_v<T, std::string>) {
          if (auto ilv = node.resolve(target, t)) nid = ilv->nid;
        } else if constexpr (std::is_same_v<T, Nid>) {
          nid = target;
        } else {
          nid = target.nid;
          where = target;
        }
      },
      c->remote->target);
  if (!nid) {
    if (c->resolve_deadline == Instant{}) {
      c->resolve_deadline = t + kResolveTimeout;
      c->waiting = true;
      resolving_.push_back(c);
      driver_.with_node([](Node& n, Instant now_) {
        n.request_discovery(now_);
        return 0;
      });
      arm_housekeeping();
    } else if (t >= c->resolve_deadline) {
      fail(*c, c->remote->to_string() + " is unknown: discovery has no answer after " +
                   std::to_string(std::chrono::duration_cast<std::chrono::seconds>(kResolveTimeout).count()) + " s");
    } else {
      resolving_.push_back(c);
    }
    return;
  }
  if (*nid == node.config().nid) return fail(*c, c->remote->to_string() + " is this node");
  auto* peer = peer_for(*nid);
  if (!peer) return fail(*c, "too many peers");
  if (where && (!peer->last_source || t - peer->last_heard >= kLastSourceFresh)) {
    peer->last_source = where;
    peer->last_heard = t;
  }
  c->peer = *nid;
  if (!ensure_association(*peer)) return fail(*c, "cannot start an SCTP association: " + peer->last_error);
  if (!peer->up) {
    c->waiting = true;
    peer->waiting.push_back(c);
    return;
  }
  start_stream(*peer, c);
  pump(*peer);
}

// ---- housekeeping: moves, names, idle peers

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
  if (const auto& locators = driver_.node().active_locators(); locators != own_locators_) {
    own_locators_ = locators;  // we moved: every peer should hear from our new locator at once
    for (auto& [nid, p] : peers_) p->heartbeat_due = p->up;
  }
  for (auto& [nid, p] : peers_) {
    if (!p->heartbeat_due || t - p->last_heartbeat < kHeartbeatSpacing) continue;
    p->heartbeat_due = false;
    if (!p->association || !p->up) continue;
    p->last_heartbeat = t;
    p->association->demand_heartbeat();
    log_.log(Layer::transport, Level::debug,
             [&] { return "asked " + peer_name(nid) + " for a heartbeat after a move"; });
  }
  // Sends wait for upcalls (SACKs freeing the send buffer); this is only a
  // safety net should one be missed.
  for (auto& [nid, p] : peers_) pump(*p);
  auto resolving = std::move(resolving_);
  resolving_.clear();
  for (auto& c : resolving)
    if (!c->finished) attach(c);
  for (auto it = peers_.begin(); it != peers_.end();) {
    auto& p = *it->second;
    if (!p.association && p.streams.empty() && p.waiting.empty() && t - p.last_heard > kIdlePeerKept) {
      stack_->forget(p.nid.value);
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
  if (c.stream) text += ", SCTP stream " + std::to_string(*c.stream);
  return text + ")";
}

}  // namespace ilnp::io
