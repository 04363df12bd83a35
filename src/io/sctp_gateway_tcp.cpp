// The TCP side of the stream gateway: listeners on loopback, connections to
// services, and each connection's reads and writes, as its Session asks
// (core/stream): reads wait for SCTP to take the previous chunk and for the
// peer's credit; credit is granted only for bytes written to TCP, so both
// directions are paced by the slower end.
#include <cstdio>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "ilnp/io/clock.hpp"
#include "sctp_gateway_impl.hpp"

namespace ilnp::io {

namespace asio = boost::asio;

namespace {

std::string endpoint_text(const tcp::endpoint& e) {
  auto address = e.address().to_string();
  if (e.address().is_v6()) address = "[" + address + "]";
  return address + ":" + std::to_string(e.port());
}

}  // namespace

StreamInfo info_of(const StreamGateway::Impl& gateway, const GatewayConnection& c, Instant t) {
  return StreamInfo{
      .id = c.id,
      .outbound = c.outbound,
      .peer = c.peer ? gateway.peer_name(*c.peer) : (c.remote ? c.remote->to_string() : ""),
      .service = c.service,
      .tcp = c.tcp_text,
      .stream_id = c.session.stream() ? static_cast<int>(*c.session.stream()) : -1,
      .state = std::string(c.session.state()),
      .bytes_out = c.session.bytes_out(),
      .bytes_in = c.session.bytes_in(),
      .age_s = to_seconds(t - c.opened),
      .error = c.session.error(),
  };
}

// ---- listeners and services

std::optional<std::string> StreamGateway::Impl::listen(Port tcp_port, proxy::Remote remote, std::string service) {
  if (!mux::valid_service_name(service))
    return "'" + service + "' is not a service name (1-64 characters of A-Z a-z 0-9 . _ -)";
  if (auto it = listeners_.find(tcp_port); it != listeners_.end())
    return "TCP port " + std::to_string(tcp_port) + " already listens for " + it->second->remote.to_string() + " " +
           it->second->service;
  if (listeners_.size() >= kMaxListeners) return "too many listeners (" + std::to_string(kMaxListeners) + ")";
  auto l = std::make_shared<GatewayListener>();
  l->port = tcp_port;
  l->remote = std::move(remote);
  l->service = std::move(service);
  l->acceptors.reserve(2);  // accept() keeps references to them
  for (auto address :
       {asio::ip::address(asio::ip::address_v4::loopback()), asio::ip::address(asio::ip::address_v6::loopback())}) {
    boost::system::error_code ec;
    tcp::acceptor a(io_);
    tcp::endpoint at(address, tcp_port);
    a.open(at.protocol(), ec);
    if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec && address.is_v6()) a.set_option(asio::ip::v6_only(true), ec);
    if (!ec) a.bind(at, ec);
    if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      if (address.is_v4()) return "cannot listen on " + endpoint_text(at) + ": " + ec.message();
      continue;  // no IPv6 loopback here: IPv4 alone
    }
    l->acceptors.push_back(std::move(a));
  }
  listeners_[tcp_port] = l;
  for (auto& a : l->acceptors) accept(l, a);
  log_.log(Layer::transport, Level::info, [&] {
    return "stream listener on 127.0.0.1:" + std::to_string(tcp_port) + " for " + l->remote.to_string() + " service " +
           l->service;
  });
  return std::nullopt;
}

std::optional<std::string> StreamGateway::Impl::unlisten(Port tcp_port) {
  auto it = listeners_.find(tcp_port);
  if (it == listeners_.end()) return "no stream listener on TCP port " + std::to_string(tcp_port);
  boost::system::error_code ec;
  for (auto& a : it->second->acceptors) a.close(ec);  // its open connections carry on
  listeners_.erase(it);
  log_.log(Layer::transport, Level::info,
           [&] { return "removed the stream listener on port " + std::to_string(tcp_port); });
  return std::nullopt;
}

std::optional<std::string> StreamGateway::Impl::serve(std::string service, std::string host, Port port,
                                                      proxy::PeerAllowList allowed) {
  auto text = "serving stream service " + service + " with " + host + ":" + std::to_string(port) + " to " +
              (allowed.any_peer() ? std::string("any peer") : allowed.to_string());
  if (auto error = services_.add(service, std::move(host), port, std::move(allowed))) return error;
  log_.log(Layer::transport, Level::info, [&] { return text; });
  return std::nullopt;
}

std::optional<std::string> StreamGateway::Impl::unserve(const std::string& service) {
  if (!services_.remove(service)) return "no stream service " + service;
  log_.log(Layer::transport, Level::info, [&] { return "no longer serving stream service " + service; });
  return std::nullopt;
}

void StreamGateway::Impl::accept(const std::shared_ptr<GatewayListener>& listener, tcp::acceptor& acceptor) {
  acceptor.async_accept([this, listener, &acceptor](boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;  // unlisten or shutdown
    if (ec) {
      listener->last_error = "accept: " + ec.message();
      log_.log(Layer::transport, Level::warn,
               [&] { return "stream listener " + std::to_string(listener->port) + ": " + listener->last_error; });
      // E.g. out of file descriptors: try again shortly rather than spin.
      auto pause = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(100));
      pause->async_wait([this, listener, &acceptor, pause](boost::system::error_code waited) {
        if (!waited && acceptor.is_open()) accept(listener, acceptor);
      });
      return;
    } else {
      ++listener->accepted;
      auto c = std::make_shared<GatewayConnection>(io_, stream::Session::outbound(options_.window));
      c->id = next_id_++;
      c->outbound = true;
      c->listener_port = listener->port;
      c->remote = listener->remote;
      c->service = listener->service;
      c->opened = now();
      boost::system::error_code ignored;
      c->tcp_text = endpoint_text(socket.remote_endpoint(ignored));
      socket.set_option(tcp::no_delay(true), ignored);  // interactive programs (ssh) through the gateway
      c->socket = std::move(socket);
      connections_[c->id] = c;
      if (connections_.size() > kMaxConnections)
        fail(*c, "too many connections");
      else
        attach(c);
    }
    accept(listener, acceptor);
  });
}

void StreamGateway::Impl::connect_service(const ConnectionPtr& c, const stream::Service& service) {
  auto resolver = std::make_shared<tcp::resolver>(io_);
  resolver->async_resolve(
      service.host, std::to_string(service.port),
      [this, c, resolver](boost::system::error_code ec, const tcp::resolver::results_type& results) {
        if (c->session.tcp() == stream::Tcp::closed) return;
        if (ec) {
          fail(*c, "cannot resolve " + c->tcp_text + ": " + ec.message());
          return pump_for(*c);
        }
        asio::async_connect(c->socket, results, [this, c](boost::system::error_code ec2, const tcp::endpoint&) {
          if (c->session.tcp() == stream::Tcp::closed) return;
          if (ec2) {
            fail(*c, "cannot connect to " + c->tcp_text + ": " + ec2.message());
            return pump_for(*c);
          }
          boost::system::error_code ignored;
          c->socket.set_option(tcp::no_delay(true), ignored);
          c->session.handle_tcp_connected();
          write_more(c);  // what the peer sent meanwhile
          read_more(c);
        });
      });
}

// ---- one connection's bytes

void StreamGateway::Impl::read_more(const ConnectionPtr& cp) {
  auto& c = *cp;
  if (c.reading) return;
  auto room = c.session.read_room();
  if (room == 0) return;  // SCTP has not taken the last chunk, or a CREDIT is awaited
  auto into = c.session.read_buffer(room);
  c.reading = true;
  c.socket.async_read_some(asio::buffer(into.data(), into.size()), [this, cp](boost::system::error_code ec,
                                                                                std::size_t n) {
    auto& conn = *cp;
    conn.reading = false;
    if (conn.session.tcp() == stream::Tcp::closed) return;
    if (ec == asio::error::eof) {
      conn.session.handle_tcp_eof();  // a FIN follows the data already read
      settle(conn);
    } else if (ec) {
      fail(conn, "TCP read: " + ec.message());
    } else {
      conn.session.handle_tcp_read(n);
    }
    pump_for(conn);
  });
}

void StreamGateway::Impl::write_more(const ConnectionPtr& cp) {
  auto& c = *cp;
  if (c.writing) return;
  const auto* next = c.session.pending_write();
  if (!next) return settle(c);  // perhaps the shutdown after a FIN
  c.writing = true;
  asio::async_write(c.socket, asio::buffer(*next), [this, cp](boost::system::error_code ec, std::size_t n) {
    auto& conn = *cp;
    conn.writing = false;
    if (conn.session.tcp() == stream::Tcp::closed) return;
    if (ec) {
      fail(conn, "TCP write: " + ec.message());
      return pump_for(conn);
    }
    if (conn.session.handle_tcp_written(n)) pump_for(conn);  // a CREDIT to send
    write_more(cp);
  });
}

void StreamGateway::Impl::fail(GatewayConnection& c, const std::string& error) {
  log_.log(Layer::transport, Level::warn, [&] { return describe(c) + ": " + error; });
  c.session.abort(error);
  settle(c);
}

void StreamGateway::Impl::apply_tcp_actions(GatewayConnection& c) {
  while (auto action = c.session.poll_tcp()) {
    boost::system::error_code ec;
    switch (*action) {
      case stream::TcpAction::shutdown_send:
        c.socket.shutdown(tcp::socket::shutdown_send, ec);
        break;
      case stream::TcpAction::close:
        c.socket.close(ec);
        break;
      case stream::TcpAction::abort:
        if (!c.socket.is_open()) break;
        c.socket.set_option(asio::socket_base::linger(true, 0), ec);  // RST: the program sees the failure
        c.socket.close(ec);
        break;
    }
  }
}

void StreamGateway::Impl::settle(GatewayConnection& c) {
  apply_tcp_actions(c);
  if (auto id = c.session.poll_release(); id && c.peer) {
    if (auto* peer = find_peer(*c.peer)) {
      peer->state.release(*id);
      peer->streams.erase(*id);  // c lives on in connections_ until finished
    }
  }
  if (!c.session.poll_finished()) return;
  record_closed(c);
  // Handlers further up the stack may still hold a reference: erase later.
  asio::post(io_, [this, id = c.id] { connections_.erase(id); });
}

void StreamGateway::Impl::record_closed(const GatewayConnection& c) {
  auto info = info_of(*this, c, now());
  closed_.push_back(info);
  if (closed_.size() > kClosedKept) closed_.pop_front();
  const auto& error = c.session.error();
  if (!error.empty()) {
    if (c.outbound) {
      if (auto it = listeners_.find(c.listener_port); it != listeners_.end()) {
        ++it->second->failed;
        it->second->last_error = error;
      }
    } else {
      services_.record_failure(c.service, error);
    }
  }
  if (c.session.refused()) return;  // refuse() logged it
  log_.log(Layer::transport, error.empty() ? Level::info : Level::warn, [&] {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.3f", info.age_s);
    return describe(c) + ": closed after " + seconds + " s, " + std::to_string(c.session.bytes_out()) +
           " bytes out, " + std::to_string(c.session.bytes_in()) + " bytes in" +
           (error.empty() ? "" : ", error: " + error);
  });
}

StreamGatewaySnapshot StreamGateway::Impl::snapshot() {
  auto t = now();
  StreamGatewaySnapshot s;
  s.port = options_.port;
  s.mtu = mtu_;
  for (const auto& [port, l] : listeners_)
    s.listeners.push_back(
        StreamListenerInfo{port, l->remote.to_string(), l->service, l->accepted, l->failed, l->last_error});
  for (const auto& [name, svc] : services_.all())
    s.services.push_back(StreamServiceInfo{name, svc.host + ":" + std::to_string(svc.port), svc.allowed.words(),
                                           svc.accepted, svc.failed, svc.refused, svc.last_error});
  for (const auto& [nid, p] : peers_) {
    auto name = driver_.node().names().name_of(nid);
    s.peers.push_back(StreamPeerInfo{
        .nid = nid.to_string(),
        .hostname = name.value_or(""),
        .last_seen = p->last_source ? p->last_source->to_string() : "",
        .up = p->state.up(),
        .streams = p->streams.size(),
        .sctp = p->association ? std::optional<SctpStatus>(p->association->status()) : std::nullopt,
        .packets_out = p->packets_out,
        .packets_in = p->packets_in,
        .unsent = p->unsent,
        .last_error = p->last_error,
    });
  }
  for (const auto& [id, c] : connections_)
    if (c->session.phase() != stream::Phase::finished) s.streams.push_back(info_of(*this, *c, t));
  s.closed.assign(closed_.begin(), closed_.end());
  s.counters = counters_;
  s.counters.sctp = SctpStack::counters();
  return s;
}

}  // namespace ilnp::io
