// The built-in stream gateway: a TCP connection accepted on a loopback port
// becomes one SCTP stream (core/stream/mux messages) of the single
// association this node keeps with the peer's NID, and the peer connects it
// to a named TCP service. The SCTP packets are RFC 6951 UDP payloads carried as transport
// datagrams between the nodes' stream ports. Owns listeners, services, peers
// and connections; knows nothing of the control socket or the configuration.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "ilnp/core/log.hpp"
#include "ilnp/core/proxy/mapping_table.hpp"
#include "ilnp/core/proxy/peer_allow_list.hpp"
#include "ilnp/core/types.hpp"
#include "ilnp/io/node_driver.hpp"
#include "ilnp/io/sctp_stack.hpp"

namespace ilnp::io {

struct StreamGatewayOptions {
  Port port{9899};                   // transport port and SCTP port of every node's gateway (IANA SCTP-over-UDP)
  std::uint64_t window{512 * 1024};  // bytes a stream may have in flight, each way
};

struct StreamListenerInfo {
  Port tcp_port{0};
  std::string remote;
  std::string service;
  std::uint64_t accepted{0};
  std::uint64_t failed{0};
  std::string last_error;
};

struct StreamServiceInfo {
  std::string name;
  std::string target;  // host:port
  std::vector<std::string> allow;  // hostnames and NIDs; empty: any peer
  std::uint64_t accepted{0};
  std::uint64_t failed{0};
  std::uint64_t refused{0};  // of failed: opened by a peer the allow-list does not admit
  std::string last_error;
};

struct StreamPeerInfo {
  std::string nid;
  std::string hostname;   // empty when discovery has no name for it
  std::string last_seen;  // locator:NID of the last packet received
  bool up{false};
  std::size_t streams{0};
  std::optional<SctpStatus> sctp;
  std::uint64_t packets_out{0};
  std::uint64_t packets_in{0};
  std::uint64_t unsent{0};  // packets the node could not send (no route, unknown host)
  std::string last_error;
};

struct StreamInfo {
  std::uint64_t id{0};
  bool outbound{false};  // accepted by a listener here (else opened by the peer for a service here)
  std::string peer;
  std::string service;
  std::string tcp;    // the local TCP endpoint (client or service)
  int stream_id{-1};  // SCTP stream, -1 before it has one
  std::string state;
  std::uint64_t bytes_out{0};  // read from TCP, sent to the peer
  std::uint64_t bytes_in{0};   // received from the peer, written to TCP
  double age_s{0};
  std::string error;
};

struct StreamGatewayCounters {
  std::uint64_t packets_out{0};
  std::uint64_t packets_in{0};
  std::uint64_t largest_packet{0};
  std::uint64_t no_route{0};
  std::uint64_t unresolved{0};
  std::uint64_t too_large{0};
  std::uint64_t protocol_errors{0};
  std::uint64_t refused_peers{0};
  std::uint64_t refused_not_allowed{0};  // streams opened by a peer a service's allow-list does not admit
  SctpCounters sctp;
};

struct StreamGatewaySnapshot {
  Port port{0};
  std::uint32_t mtu{0};
  std::vector<StreamListenerInfo> listeners;
  std::vector<StreamServiceInfo> services;
  std::vector<StreamPeerInfo> peers;
  std::vector<StreamInfo> streams;
  std::vector<StreamInfo> closed;  // the latest few, newest last
  StreamGatewayCounters counters;
};

class StreamGateway {
 public:
  // Binds the stream port on the node and starts usrsctp. Throws
  // std::runtime_error when the port is taken or the overlay's datagrams are
  // too small for SCTP.
  StreamGateway(boost::asio::io_context& io, NodeDriver& driver, Logger logger, StreamGatewayOptions options);
  ~StreamGateway();
  StreamGateway(const StreamGateway&) = delete;
  StreamGateway& operator=(const StreamGateway&) = delete;

  // Each returns an error message, or nothing on success.
  [[nodiscard]] std::optional<std::string> listen(Port tcp_port, proxy::Remote remote, std::string service);
  [[nodiscard]] std::optional<std::string> unlisten(Port tcp_port);
  // Streams for `service` from peers `allowed` does not admit are refused.
  [[nodiscard]] std::optional<std::string> serve(std::string service, std::string host, Port port,
                                                 proxy::PeerAllowList allowed);
  [[nodiscard]] std::optional<std::string> unserve(const std::string& service);
  [[nodiscard]] StreamGatewaySnapshot snapshot();
  // The node's notices: its moves and its peers' relocations confirm the
  // paths of the associations at once.
  void on_event(const Event& event);

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace ilnp::io
