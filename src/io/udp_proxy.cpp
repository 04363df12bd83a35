// Receive buffers hold 64 KiB so that an oversize datagram is seen whole and
// refused by the proxy's size check, never truncated.
#include "ilnp/io/udp_proxy.hpp"

#include <system_error>

namespace ilnp::io {

namespace asio = boost::asio;
using asio::ip::udp;

UdpProxy::UdpProxy(asio::io_context& io, Port port, Ingress ingress) : ingress_(std::move(ingress)) {
  v4_.emplace(Listener{udp::socket(io), {}, {}});
  v4_->socket.open(udp::v4());
  v4_->socket.bind(udp::endpoint(asio::ip::address_v4::loopback(), port));
  port_ = v4_->socket.local_endpoint().port();
  // The same port on ::1 when the host has IPv6 loopback; IPv4 alone otherwise.
  boost::system::error_code ec;
  v6_.emplace(Listener{udp::socket(io), {}, {}});
  v6_->socket.open(udp::v6(), ec);
  if (!ec) v6_->socket.bind(udp::endpoint(asio::ip::address_v6::loopback(), port_), ec);
  if (ec) v6_.reset();
  receive(*v4_);
  if (v6_) receive(*v6_);
}

void UdpProxy::receive(Listener& l) {
  l.socket.async_receive_from(asio::buffer(l.buffer), l.from, [this, &l](boost::system::error_code ec, std::size_t n) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec && l.from.address().is_loopback()) {
      last_was_v6_[l.from.port()] = l.from.address().is_v6();
      ingress_(l.from.port(), wire::Bytes(l.buffer.data(), n));
    }
    receive(l);
  });
}

void UdpProxy::send_local(Port local_port, wire::Bytes data) {
  bool v6 = v6_ && last_was_v6_[local_port];
  auto& l = v6 ? *v6_ : *v4_;
  auto to = v6 ? udp::endpoint(asio::ip::address_v6::loopback(), local_port)
               : udp::endpoint(asio::ip::address_v4::loopback(), local_port);
  boost::system::error_code ec;
  l.socket.send_to(asio::buffer(data.data(), data.size()), to, 0, ec);
  if (ec) ++send_errors_;  // e.g. the local program has gone: ICMP port unreachable
}

}  // namespace ilnp::io
