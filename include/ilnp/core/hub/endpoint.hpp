// A UDP endpoint as the relay hub sees it, and the prefix it belongs to (the
// unit of the hub's per-source budgets). Knows no sockets and no tables.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace ilnp::hub {

// IPv4 as v4-mapped IPv6.
struct Endpoint {
  std::array<std::uint8_t, 16> address{};
  std::uint16_t port{0};
  auto operator<=>(const Endpoint&) const = default;
  [[nodiscard]] std::string to_string() const;  // "[2001:db8::1]:4000", "1.2.3.4:4000"
  [[nodiscard]] bool is_v4() const;
};

// The address alone (port 0): one host, or one NAT's public address.
[[nodiscard]] Endpoint address_of(const Endpoint& e);
// Its /64 (IPv6) or /24 (IPv4), port 0: what one site, or one attacker, holds.
[[nodiscard]] Endpoint prefix_of(const Endpoint& e);

}  // namespace ilnp::hub
