// IP packets over the overlay (proto/README.md section 13): the TUN packet's
// IPv6 header is the overlay header, with the identifier prefix swapped for
// locators on send and restored on receipt. Pure functions of bytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ilnp/core/result.hpp"
#include "ilnp/core/types.hpp"
#include "ilnp/core/wire/bytes.hpp"
#include "ilnp/core/wire/header.hpp"
#include "ilnp/core/wire/secure_messages.hpp"

namespace ilnp::tun {

inline constexpr std::size_t kIpv6HeaderSize = 40;
// IPv6's minimum link MTU (RFC 8200, section 5).
inline constexpr std::size_t kMinimumMtu = 1280;
// Sealed IP (48): the seal of section 9 plus the inner next header.
inline constexpr std::size_t kSealedIpOverhead = wire::kSealOverhead + 1;

// TCP, UDP and ICMPv6: the inner protocols carried.
[[nodiscard]] bool is_carried_protocol(std::uint8_t next_header);

// The upper 64 bits of every identifier address, PREFIX::NID.
struct IdentifierPrefix {
  std::uint64_t value{0};
  auto operator<=>(const IdentifierPrefix&) const = default;
};

// What a packet read from the TUN asks for.
struct OutgoingIp {
  Nid destination;
  std::uint8_t next_header{0};
};

// The send checks of section 13, in order: ip_too_short, ip_not_ipv6,
// ip_bad_length, ip_not_carried, ip_spoofed_source,
// ip_unsupported_next_header, ip_too_big (longer than `mtu`).
[[nodiscard]] Result<OutgoingIp> parse_tun_packet(wire::Bytes packet, IdentifierPrefix prefix, Nid own,
                                                  std::size_t mtu);

// The overlay datagram of a parsed TUN packet: its bytes with `source` and
// `destination` in place of the prefix of each address.
[[nodiscard]] wire::Buffer to_overlay(wire::Bytes packet, Locator source, Locator destination);

// The IPv6 packet for the TUN from a whole overlay datagram (header
// decoded): ip_not_carried (to all nodes), ip_unsupported_next_header.
[[nodiscard]] Result<wire::Buffer> from_overlay(wire::Bytes datagram, IdentifierPrefix prefix);

// Sealed IP: what is sealed (inner next header, then the IPv6 payload), and
// the packet rebuilt from an opened plaintext and the outer header
// (truncated_secure_message, ip_unsupported_next_header).
[[nodiscard]] wire::Buffer sealed_ip_plaintext(wire::Bytes packet);
[[nodiscard]] Result<wire::Buffer> from_sealed_ip(const wire::Header& outer, wire::Bytes plaintext,
                                                  IdentifierPrefix prefix);

// The header fields of a sealed IP datagram that come from the packet.
[[nodiscard]] std::uint32_t version_class_flow_of(wire::Bytes packet);
[[nodiscard]] std::uint8_t hop_limit_of(wire::Bytes packet);

// ICMPv6 Packet Too Big for `packet` (a TUN packet that passed the checks
// up to ip_too_big): from its destination back to its source, quoting what
// fits in 1280 bytes.
[[nodiscard]] wire::Buffer packet_too_big(wire::Bytes packet, std::uint32_t mtu);

}  // namespace ilnp::tun
