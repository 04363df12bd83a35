// Inside the stream gateway: peers (one SCTP association per NID), the
// connections (one TCP socket + one SCTP stream each), listeners and services.
// The protocol is core/stream's (Peer, Session, Services): sctp_gateway.cpp
// glues it to usrsctp and the node, sctp_gateway_tcp.cpp to TCP sockets.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "ilnp/core/rate_limited_log.hpp"
#include "ilnp/core/stream/peer.hpp"
#include "ilnp/core/stream/services.hpp"
#include "ilnp/core/stream/session.hpp"
#include "ilnp/io/sctp_gateway.hpp"
#include "ilnp/io/sctp_stack.hpp"

namespace ilnp::io {

using tcp = boost::asio::ip::tcp;
namespace mux = stream::mux;

// One TCP connection and its SCTP stream: the socket and the asynchronous
// operations on it here, the protocol in the session.
struct GatewayConnection {
  GatewayConnection(boost::asio::io_context& io, stream::Session s) : socket(io), session(std::move(s)) {}

  std::uint64_t id{0};
  bool outbound{false};
  Port listener_port{0};  // outbound: the listener that accepted it
  std::optional<proxy::Remote> remote;
  std::string service;
  std::string tcp_text;
  Instant opened{};
  std::optional<Nid> peer;

  tcp::socket socket;
  bool reading{false};  // an asynchronous read or write is under way
  bool writing{false};
  stream::Session session;
};
using ConnectionPtr = std::shared_ptr<GatewayConnection>;

struct GatewayPeer {
  GatewayPeer(Nid self, Nid nid) : state(self, nid) {}

  stream::Peer state;
  std::unique_ptr<SctpAssociation> association;
  std::map<std::uint16_t, ConnectionPtr> streams;  // ids in use
  std::vector<ConnectionPtr> waiting;              // for the association to come up
  std::size_t next_turn{0};                        // round robin among streams when sending
  std::optional<Ilv> last_source;                  // for `stream list`
  Port remote_port{0};
  std::uint64_t packets_out{0};
  std::uint64_t packets_in{0};
  std::uint64_t unsent{0};
  std::string last_error;
};

struct GatewayListener {
  Port port{0};
  proxy::Remote remote;
  std::string service;
  std::vector<tcp::acceptor> acceptors;
  std::uint64_t accepted{0};
  std::uint64_t failed{0};
  std::string last_error;
};

class StreamGateway::Impl {
 public:
  static constexpr std::size_t kMaxPeers = 256;
  static constexpr std::size_t kMaxConnections = 1024;
  static constexpr std::size_t kMaxListeners = 64;
  static constexpr std::size_t kClosedKept = 16;
  static constexpr std::uint16_t kStreams = 1024;

  Impl(boost::asio::io_context& io, NodeDriver& driver, Logger logger, StreamGatewayOptions options);
  ~Impl();

  std::optional<std::string> listen(Port tcp_port, proxy::Remote remote, std::string service);
  std::optional<std::string> unlisten(Port tcp_port);
  std::optional<std::string> serve(std::string service, std::string host, Port port, proxy::PeerAllowList allowed);
  std::optional<std::string> unserve(const std::string& service);
  StreamGatewaySnapshot snapshot();
  void on_event(const Event& event);

 private:
  // SCTP side (sctp_gateway.cpp)
  void on_datagram(const Deliver& d);
  void on_packets(const std::vector<SctpPacket>& packets);
  void on_ready(std::uint64_t key);
  GatewayPeer* find_peer(Nid nid);
  GatewayPeer* peer_for(Nid nid);
  bool ensure_association(GatewayPeer& peer);
  void on_sctp_event(GatewayPeer& peer, const SctpEvent& event);
  void on_piece(GatewayPeer& peer, const SctpMessage& piece);
  void on_control(GatewayPeer& peer, std::uint16_t stream, const mux::Control& message);
  void on_open(GatewayPeer& peer, std::uint16_t stream, const mux::Open& open);
  void refuse(GatewayConnection& c, const std::string& why);
  void lose_streams(GatewayPeer& peer, const std::string& why);
  void drop_association(GatewayPeer& peer, const std::string& reason);
  void protocol_error(GatewayPeer& peer, const std::string& what);
  void start_stream(GatewayPeer& peer, const ConnectionPtr& c);
  void pump(GatewayPeer& peer);
  enum class Sent { all, blocked, failed };
  Sent send_pending(GatewayPeer& peer, GatewayConnection& c);
  Sent send_message(GatewayPeer& peer, std::uint16_t stream, mux::Kind kind, wire::Bytes payload);
  void pump_for(GatewayConnection& c);
  void attach(const ConnectionPtr& c);
  void housekeeping();
  void arm_housekeeping();
  void send_heartbeats();
  void arm_heartbeats();
  [[nodiscard]] std::string peer_name(Nid nid) const;
  [[nodiscard]] std::string describe(const GatewayConnection& c) const;

  // TCP side (sctp_gateway_tcp.cpp)
  void accept(const std::shared_ptr<GatewayListener>& listener, tcp::acceptor& acceptor);
  void connect_service(const ConnectionPtr& c, const stream::Service& service);
  void read_more(const ConnectionPtr& c);
  void write_more(const ConnectionPtr& c);
  void fail(GatewayConnection& c, const std::string& error);
  // Performs what the session asks of the socket, frees its stream id once
  // both ends are said, and forgets the connection once finished.
  void settle(GatewayConnection& c);
  void apply_tcp_actions(GatewayConnection& c);
  void record_closed(const GatewayConnection& c);

  boost::asio::io_context& io_;
  NodeDriver& driver_;
  Logger log_;
  StreamGatewayOptions options_;
  std::uint32_t mtu_;
  std::unique_ptr<SctpStack> stack_;
  std::map<Nid, std::unique_ptr<GatewayPeer>> peers_;
  std::map<std::uint64_t, ConnectionPtr> connections_;
  std::vector<ConnectionPtr> resolving_;  // outbound, waiting for discovery to name the remote
  std::map<Port, std::shared_ptr<GatewayListener>> listeners_;
  stream::Services services_;
  std::deque<StreamInfo> closed_;
  std::uint64_t next_id_{1};
  std::uint32_t next_connection_id_{1};
  boost::asio::steady_timer housekeeping_;
  bool housekeeping_armed_{false};
  boost::asio::steady_timer heartbeats_;
  StreamGatewayCounters counters_;
  bool too_large_reported_{false};
  RateLimitedLog refusals_log_;  // peers choose how many OPENs are refused

  friend StreamInfo info_of(const StreamGateway::Impl& gateway, const GatewayConnection& c, Instant now);
};

}  // namespace ilnp::io
