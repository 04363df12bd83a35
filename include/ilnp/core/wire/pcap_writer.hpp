// Writes overlay datagrams as a classic pcap trace (LINKTYPE_RAW, IPv6 + UDP
// synthesised around each datagram) so a run opens in Wireshark. Knows the
// link-layer addressing (proto/README.md section 2); knows nothing of nodes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <span>

#include "ilnp/core/time.hpp"
#include "ilnp/core/types.hpp"
#include "ilnp/core/wire/constants.hpp"

namespace ilnp::wire {

// One record per datagram, as a capture on the link would show it:
//  - IPv6: source fe80::<sender NID>, destination the multicast group of
//    `link` for `uid` (ff12:0:U:0:L, wire::group_for), hop limit 1, next
//    header UDP. The real source address is the sender's interface address,
//    which the overlay never sees; the NID stands in for it.
//  - UDP: both ports `port` (default 10000), length and checksum (RFC 8200
//    section 8.1 pseudo-header) correct.
//  - then the datagram unchanged.
// The file is little-endian pcap 2.4, microsecond timestamps, snaplen 65535.
// Errors: a datagram longer than kMaxDatagram (the IPv6 payload length would
// overflow 16 bits) is skipped and counted; stream errors are left in the
// stream's state for the caller to check.
class PcapWriter {
 public:
  static constexpr std::uint32_t kLinktypeRaw = 101;
  static constexpr std::uint32_t kSnaplen = 65535;
  static constexpr std::size_t kIpv6HeaderSize = 40;
  static constexpr std::size_t kUdpHeaderSize = 8;
  static constexpr std::size_t kMaxDatagram = 65535 - kIpv6HeaderSize - kUdpHeaderSize;

  // Writes the 24-byte global header at once. `out` must outlive the writer.
  explicit PcapWriter(std::ostream& out, std::uint16_t port = wire::kDefaultPort);

  // Appends one record. `at` is nanoseconds since the Instant epoch, written
  // as seconds (mod 2^32) and microseconds (truncated); before the epoch is
  // written as 0.
  void write(Instant at, Locator link, std::uint32_t uid, Nid sender, std::span<const std::byte> datagram);

  [[nodiscard]] std::uint64_t records() const { return records_; }
  [[nodiscard]] std::uint64_t skipped() const { return skipped_; }

 private:
  std::ostream& out_;
  std::uint16_t port_;
  std::uint64_t records_{0};
  std::uint64_t skipped_{0};
};

}  // namespace ilnp::wire
