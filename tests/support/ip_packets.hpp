// IPv6 packets between identifier addresses, as a TUN would hand them to the
// node: for the unit and simulator tests of IP over the overlay.
#pragma once

#include <cstdint>

#include "ilnp/core/tun/ip_mapping.hpp"
#include "ilnp/core/wire/bytes.hpp"

namespace ilnp::testing {

// PREFIX::from -> PREFIX::to carrying `body` (default: ICMPv6, hop limit 64).
[[nodiscard]] wire::Buffer identifier_packet(tun::IdentifierPrefix prefix, Nid from, Nid to, wire::Bytes body,
                                             std::uint8_t next_header = 58, std::uint8_t hop_limit = 64);

}  // namespace ilnp::testing
