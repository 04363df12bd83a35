// The local UDP proxy's sockets: 127.0.0.1:PORT and [::1]:PORT, never any
// other address. A datagram from a local program's port P goes to the
// `ingress` callback; send_local(P, bytes) answers to that program from the
// proxy's port, on the address family it last used.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "ilnp/core/types.hpp"
#include "ilnp/core/wire/bytes.hpp"

namespace ilnp::io {

class UdpProxy {
 public:
  using Ingress = std::function<void(Port local_port, wire::Bytes data)>;

  // Port 0 picks a free port. Throws std::system_error when it cannot bind.
  UdpProxy(boost::asio::io_context& io, Port port, Ingress ingress);

  [[nodiscard]] Port port() const { return port_; }
  void send_local(Port local_port, wire::Bytes data);
  [[nodiscard]] std::uint64_t send_errors() const { return send_errors_; }

 private:
  struct Listener {
    boost::asio::ip::udp::socket socket;
    boost::asio::ip::udp::endpoint from;
    std::array<std::byte, 65536> buffer{};
  };
  void receive(Listener& l);

  Port port_{0};
  Ingress ingress_;
  std::optional<Listener> v4_;
  std::optional<Listener> v6_;
  std::map<Port, bool> last_was_v6_;
  std::uint64_t send_errors_{0};
};

}  // namespace ilnp::io
