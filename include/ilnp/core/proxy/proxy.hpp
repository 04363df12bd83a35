// The local UDP proxy's decisions: what to do with a datagram a local program
// sent to a mapped port (resolve the remote, check the size, send through the
// node) and the accounting of datagrams delivered back. No sockets: the io
// layer hands it bytes and performs the local sends.
#pragma once

#include "ilnp/core/log.hpp"
#include "ilnp/core/node/node.hpp"
#include "ilnp/core/proxy/mapping_table.hpp"

namespace ilnp::proxy {

enum class Outcome { sent, no_mapping, too_large, unresolved, no_route };

struct ProxyStats {
  std::uint64_t no_mapping{0};
  std::uint64_t too_large{0};
  std::uint64_t unresolved{0};
  std::uint64_t no_route{0};
  std::uint64_t sent{0};
  std::uint64_t delivered{0};
};

class Proxy {
 public:
  explicit Proxy(Logger logger = {}) : log_(std::move(logger)) {}

  // Adds a mapping and binds its local port as a transport port of `node`.
  [[nodiscard]] std::optional<AddError> add(Node& node, Port local_port, Remote remote, Port remote_port);
  bool remove(Node& node, Port local_port);

  // A datagram from the local program whose UDP source port is `local_port`.
  Outcome ingress(Instant now, Node& node, Port local_port, wire::Bytes data);
  // A transport datagram the node delivered to a mapped port: counted and
  // returned so the caller sends it to the local program; nullptr if unmapped.
  const Mapping* egress(const Deliver& delivered);

  [[nodiscard]] const MappingTable& mappings() const { return table_; }
  [[nodiscard]] const ProxyStats& stats() const { return stats_; }

 private:
  SendStatus send(Instant now, Node& node, const Mapping& m, wire::Bytes data);

  Logger log_;
  MappingTable table_;
  ProxyStats stats_;
};

}  // namespace ilnp::proxy
