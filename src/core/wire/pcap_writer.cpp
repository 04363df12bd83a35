// pcap trace writer: the byte layouts of the pcap file format, IPv6 and UDP.
// Builds each record's headers in a fixed buffer, then streams the datagram.
#include "ilnp/core/wire/pcap_writer.hpp"

#include <array>

#include "ilnp/core/wire/group.hpp"

namespace ilnp::wire {

namespace {

constexpr std::uint32_t kPcapMagic = 0xa1b2c3d4;  // microsecond timestamps
constexpr std::uint8_t kNextHeaderUdp = 17;
constexpr std::uint8_t kLinkHopLimit = 1;  // IPV6_MULTICAST_HOPS of the overlay
constexpr std::size_t kRecordHeaderSize = 16;

// pcap's own fields are in the writer's byte order, declared by the magic;
// we fix it to little-endian so the file does not depend on the host.
template <std::size_t N>
void put_le32(std::array<std::uint8_t, N>& b, std::size_t at, std::uint32_t v) {
  for (std::size_t i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}
template <std::size_t N>
void put_le16(std::array<std::uint8_t, N>& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v);
  b[at + 1] = static_cast<std::uint8_t>(v >> 8);
}
template <std::size_t N>
void put_be16(std::array<std::uint8_t, N>& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}

// Adds big-endian 16-bit words to a one's-complement accumulator; an odd
// trailing byte is padded with zero (RFC 1071). 64 bits cannot overflow for
// fewer than 2^48 bytes, far above kMaxDatagram.
std::uint64_t sum_words(std::uint64_t sum, std::span<const std::uint8_t> bytes) {
  std::size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) sum += static_cast<std::uint64_t>(bytes[i] << 8 | bytes[i + 1]);
  if (i < bytes.size()) sum += static_cast<std::uint64_t>(bytes[i]) << 8;
  return sum;
}

std::uint16_t fold(std::uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

}  // namespace

PcapWriter::PcapWriter(std::ostream& out, std::uint16_t port) : out_(out), port_(port) {
  std::array<std::uint8_t, 24> h{};
  put_le32(h, 0, kPcapMagic);
  put_le16(h, 4, 2);  // version 2.4
  put_le16(h, 6, 4);
  // thiszone and sigfigs stay 0
  put_le32(h, 16, kSnaplen);
  put_le32(h, 20, kLinktypeRaw);
  out_.write(reinterpret_cast<const char*>(h.data()), static_cast<std::streamsize>(h.size()));
}

void PcapWriter::write(Instant at, Locator link, std::uint32_t uid, Nid sender, std::span<const std::byte> datagram) {
  if (datagram.size() > kMaxDatagram) {
    ++skipped_;
    return;
  }
  const auto udp_length = static_cast<std::uint16_t>(kUdpHeaderSize + datagram.size());
  const auto captured = static_cast<std::uint32_t>(kIpv6HeaderSize + udp_length);

  std::array<std::uint8_t, kRecordHeaderSize + kIpv6HeaderSize + kUdpHeaderSize> r{};
  auto ns = at.time_since_epoch().count();
  if (ns < 0) ns = 0;
  put_le32(r, 0, static_cast<std::uint32_t>(ns / 1'000'000'000));
  put_le32(r, 4, static_cast<std::uint32_t>(ns % 1'000'000'000 / 1'000));
  put_le32(r, 8, captured);
  put_le32(r, 12, captured);

  const std::size_t ip = kRecordHeaderSize;
  r[ip] = 0x60;  // version 6; traffic class and flow label 0
  put_be16(r, ip + 4, udp_length);
  r[ip + 6] = kNextHeaderUdp;
  r[ip + 7] = kLinkHopLimit;
  r[ip + 8] = 0xfe;
  r[ip + 9] = 0x80;
  for (std::size_t i = 0; i < 8; ++i) r[ip + 16 + i] = static_cast<std::uint8_t>(sender.value >> (56 - 8 * i));
  const auto group = wire::group_for(link, uid);
  for (std::size_t i = 0; i < group.size(); ++i) r[ip + 24 + i] = group[i];

  const std::size_t udp = ip + kIpv6HeaderSize;
  put_be16(r, udp, port_);
  put_be16(r, udp + 2, port_);
  put_be16(r, udp + 4, udp_length);

  // Pseudo-header: source, destination, upper-layer length (32 bits), three
  // zero bytes and the next header; then the UDP header (checksum 0) and data.
  std::uint64_t sum = sum_words(0, std::span(r).subspan(ip + 8, 32));
  sum += udp_length;
  sum += kNextHeaderUdp;
  sum = sum_words(sum, std::span(r).subspan(udp, kUdpHeaderSize));
  sum = sum_words(sum, {reinterpret_cast<const std::uint8_t*>(datagram.data()), datagram.size()});
  auto checksum = static_cast<std::uint16_t>(~fold(sum));
  if (checksum == 0) checksum = 0xffff;  // 0 means "no checksum", forbidden over IPv6
  put_be16(r, udp + 6, checksum);

  out_.write(reinterpret_cast<const char*>(r.data()), static_cast<std::streamsize>(r.size()));
  out_.write(reinterpret_cast<const char*>(datagram.data()), static_cast<std::streamsize>(datagram.size()));
  ++records_;
}

}  // namespace ilnp::wire
