// Offsets are IPv6's (RFC 8200): the overlay header shares them (section 3).
#include "ilnp/core/tun/ip_mapping.hpp"

#include <algorithm>

namespace ilnp::tun {

namespace {
constexpr std::size_t kSourceOffset = 8;
constexpr std::size_t kDestinationOffset = 24;
constexpr std::uint8_t kIcmpv6 = 58;
constexpr std::uint8_t kPacketTooBig = 2;

std::uint64_t u64_at(wire::Bytes b, std::size_t at) {
  wire::ByteReader r(b.subspan(at, 8));
  return *r.u64();
}

void put_u64(wire::Buffer& b, std::size_t at, std::uint64_t v) {
  for (std::size_t i = 0; i < 8; ++i) b[at + i] = static_cast<std::byte>(v >> (56 - 8 * i));
}

std::uint16_t checksum(wire::Bytes data, std::uint32_t sum) {
  for (std::size_t i = 0; i < data.size(); i += 2) {
    auto hi = std::to_integer<std::uint32_t>(data[i]) << 8;
    auto lo = i + 1 < data.size() ? std::to_integer<std::uint32_t>(data[i + 1]) : 0u;
    sum += hi | lo;
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

// The IPv6 pseudo-header's sum (RFC 8200, section 8.1) for an upper-layer body.
std::uint32_t pseudo_header_sum(wire::Bytes source, wire::Bytes destination, std::size_t length,
                                std::uint8_t next_header) {
  std::uint32_t sum = 0;
  for (auto addr : {source, destination})
    for (std::size_t i = 0; i < 16; i += 2)
      sum += std::to_integer<std::uint32_t>(addr[i]) << 8 | std::to_integer<std::uint32_t>(addr[i + 1]);
  sum += static_cast<std::uint32_t>(length >> 16) + static_cast<std::uint32_t>(length & 0xffff);
  return sum + next_header;
}

void restore_prefix(wire::Buffer& packet, IdentifierPrefix prefix) {
  put_u64(packet, kSourceOffset, prefix.value);
  put_u64(packet, kDestinationOffset, prefix.value);
}
}  // namespace

bool is_carried_protocol(std::uint8_t next_header) {
  return next_header == 6 || next_header == 17 || next_header == kIcmpv6;
}

Result<OutgoingIp> parse_tun_packet(wire::Bytes packet, IdentifierPrefix prefix, Nid own, std::size_t mtu) {
  if (packet.size() < kIpv6HeaderSize) return DropReason::ip_too_short;
  if ((std::to_integer<std::uint8_t>(packet[0]) >> 4) != 6) return DropReason::ip_not_ipv6;
  auto header = wire::decode_header(packet, packet.size());
  if (!header) return DropReason::ip_bad_length;
  // Multicast (ff00::/8) and link-local (fe80::/10) are never in a unique-local prefix.
  bool destination_ours = u64_at(packet, kDestinationOffset) == prefix.value;
  auto destination = header->destination.nid;
  if (!destination_ours || destination.value == 0 || destination == own) return DropReason::ip_not_carried;
  if (u64_at(packet, kSourceOffset) != prefix.value || header->source.nid != own) return DropReason::ip_spoofed_source;
  if (!is_carried_protocol(header->next_header)) return DropReason::ip_unsupported_next_header;
  if (packet.size() > mtu) return DropReason::ip_too_big;
  return OutgoingIp{destination, header->next_header};
}

wire::Buffer to_overlay(wire::Bytes packet, Locator source, Locator destination) {
  wire::Buffer out(packet.begin(), packet.end());
  put_u64(out, kSourceOffset, source.value);
  put_u64(out, kDestinationOffset, destination.value);
  return out;
}

Result<wire::Buffer> from_overlay(wire::Bytes datagram, IdentifierPrefix prefix) {
  if (datagram.size() < kIpv6HeaderSize) return DropReason::short_header;
  if (u64_at(datagram, kDestinationOffset) == kAllNodes.value) return DropReason::ip_not_carried;
  if (!is_carried_protocol(std::to_integer<std::uint8_t>(datagram[6]))) return DropReason::ip_unsupported_next_header;
  wire::Buffer packet(datagram.begin(), datagram.end());
  restore_prefix(packet, prefix);
  return packet;
}

wire::Buffer sealed_ip_plaintext(wire::Bytes packet) {
  wire::Buffer out;
  out.reserve(packet.size() - kIpv6HeaderSize + 1);
  out.push_back(packet[6]);
  out.insert(out.end(), packet.begin() + kIpv6HeaderSize, packet.end());
  return out;
}

Result<wire::Buffer> from_sealed_ip(const wire::Header& outer, wire::Bytes plaintext, IdentifierPrefix prefix) {
  if (plaintext.empty()) return DropReason::truncated_secure_message;
  auto next_header = std::to_integer<std::uint8_t>(plaintext[0]);
  if (!is_carried_protocol(next_header)) return DropReason::ip_unsupported_next_header;
  wire::Header inner = outer;
  inner.next_header = next_header;
  auto packet = wire::encode_packet(inner, plaintext.subspan(1));
  restore_prefix(packet, prefix);
  return packet;
}

std::uint32_t version_class_flow_of(wire::Bytes packet) {
  wire::ByteReader r(packet);
  return *r.u32();
}

std::uint8_t hop_limit_of(wire::Bytes packet) { return std::to_integer<std::uint8_t>(packet[wire::kHopLimitOffset]); }

wire::Buffer packet_too_big(wire::Bytes packet, std::uint32_t mtu) {
  constexpr std::size_t kIcmpHeader = 8;
  auto quoted = packet.first(std::min(packet.size(), kMinimumMtu - kIpv6HeaderSize - kIcmpHeader));
  auto source = packet.subspan(kDestinationOffset, 16);
  auto destination = packet.subspan(kSourceOffset, 16);
  wire::Buffer body;
  wire::ByteWriter w(body);
  w.u8(kPacketTooBig);
  w.u8(0);
  w.u16(0);  // checksum, below
  w.u32(mtu);
  w.bytes(quoted);
  auto sum = checksum(body, pseudo_header_sum(source, destination, body.size(), kIcmpv6));
  body[2] = static_cast<std::byte>(sum >> 8);
  body[3] = static_cast<std::byte>(sum & 0xff);
  wire::Buffer out;
  wire::ByteWriter h(out);
  h.u32(0x6000'0000);
  h.u16(static_cast<std::uint16_t>(body.size()));
  h.u8(kIcmpv6);
  h.u8(255);
  h.bytes(source);
  h.bytes(destination);
  h.bytes(body);
  return out;
}

}  // namespace ilnp::tun
