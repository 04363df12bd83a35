// PcapWriter: global header, synthesised IPv6/UDP headers, UDP checksum
// (recomputed here independently), one record read back, oversize skipped.
#include "ilnp/core/wire/pcap_writer.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "ilnp/core/wire/header.hpp"
#include "ilnp/core/wire/messages.hpp"

namespace ilnp::wire {
namespace {

using std::chrono::microseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

std::vector<std::uint8_t> bytes_of(const std::ostringstream& out) {
  auto s = out.str();
  return {s.begin(), s.end()};
}

std::uint32_t le32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return static_cast<std::uint32_t>(b.at(at) | b.at(at + 1) << 8 | b.at(at + 2) << 16) |
         static_cast<std::uint32_t>(b.at(at + 3)) << 24;
}
std::uint16_t be16(const std::vector<std::uint8_t>& b, std::size_t at) {
  return static_cast<std::uint16_t>(b.at(at) << 8 | b.at(at + 1));
}

// Textbook RFC 1071 checksum verification, written differently from the
// writer on purpose: build the pseudo-header + segment as one byte string and
// sum it, checksum field included; a correct segment sums to 0xffff.
std::uint16_t ones_complement_sum_of_pseudo_packet(const std::vector<std::uint8_t>& ipv6_packet) {
  std::vector<std::uint8_t> pseudo(ipv6_packet.begin() + 8, ipv6_packet.begin() + 40);  // src, dst
  std::size_t upper = ipv6_packet.size() - 40;
  pseudo.push_back(static_cast<std::uint8_t>(upper >> 24));
  pseudo.push_back(static_cast<std::uint8_t>(upper >> 16));
  pseudo.push_back(static_cast<std::uint8_t>(upper >> 8));
  pseudo.push_back(static_cast<std::uint8_t>(upper));
  pseudo.insert(pseudo.end(), {0, 0, 0, ipv6_packet.at(6)});
  pseudo.insert(pseudo.end(), ipv6_packet.begin() + 40, ipv6_packet.end());
  if (pseudo.size() % 2) pseudo.push_back(0);
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < pseudo.size(); i += 2) {
    sum += static_cast<std::uint32_t>(pseudo[i] << 8 | pseudo[i + 1]);
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return static_cast<std::uint16_t>(sum);
}

wire::Buffer heartbeat_datagram(const std::string& text) {
  wire::Header h;
  h.next_header = 42;
  h.source = Ilv{Locator{0xa}, Nid{0xa11c'0000'0000'0001ULL}};
  h.destination = Ilv{Locator{0xb}, Nid{0xb0b'0000'0000'0002ULL}};
  return wire::encode_packet(h, wire::encode_transport(1000, 2000, wire::as_bytes(text)));
}

TEST(PcapWriter, GlobalHeaderIsLittleEndianRawIp) {
  std::ostringstream out;
  PcapWriter writer(out);
  const std::vector<std::uint8_t> expected{
      0xd4, 0xc3, 0xb2, 0xa1,              // magic, microseconds
      0x02, 0x00, 0x04, 0x00,              // version 2.4
      0,    0,    0,    0,    0, 0, 0, 0,  // thiszone, sigfigs
      0xff, 0xff, 0x00, 0x00,              // snaplen 65535
      101,  0,    0,    0,                 // LINKTYPE_RAW
  };
  EXPECT_EQ(bytes_of(out), expected);
  EXPECT_EQ(writer.records(), 0U);
}

TEST(PcapWriter, OneRecordRoundTrips) {
  std::ostringstream out;
  PcapWriter writer(out);
  // Odd length, so the checksum's zero padding is exercised.
  auto datagram = heartbeat_datagram("2024-01-02 03:04:05.5 | alice");
  ASSERT_EQ(datagram.size() % 2, 1U);
  const Instant at = Instant{} + seconds(1'700'000'000) + microseconds(123'456) + nanoseconds(999);
  writer.write(at, Locator{0xa}, 1000, Nid{0xa11c'0000'0000'0001ULL}, datagram);
  EXPECT_EQ(writer.records(), 1U);

  auto b = bytes_of(out);
  ASSERT_EQ(b.size(), 24 + 16 + 40 + 8 + datagram.size());
  // Record header: seconds, microseconds (truncated), captured = original.
  EXPECT_EQ(le32(b, 24), 1'700'000'000U);
  EXPECT_EQ(le32(b, 28), 123'456U);
  EXPECT_EQ(le32(b, 32), 48 + datagram.size());
  EXPECT_EQ(le32(b, 36), 48 + datagram.size());

  std::vector<std::uint8_t> ip(b.begin() + 40, b.end());
  // IPv6 header.
  EXPECT_EQ(ip[0], 0x60);
  EXPECT_EQ(ip[1] | ip[2] | ip[3], 0);
  EXPECT_EQ(be16(ip, 4), 8 + datagram.size());
  EXPECT_EQ(ip[6], 17);
  EXPECT_EQ(ip[7], 1);
  const std::vector<std::uint8_t> src{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0xa1, 0x1c, 0, 0, 0, 0, 0, 1};
  const std::vector<std::uint8_t> dst{0xff, 0x12, 0, 0, 0x03, 0xe8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a};
  EXPECT_EQ(std::vector<std::uint8_t>(ip.begin() + 8, ip.begin() + 24), src);
  EXPECT_EQ(std::vector<std::uint8_t>(ip.begin() + 24, ip.begin() + 40), dst);
  // UDP header.
  EXPECT_EQ(be16(ip, 40), 10000);
  EXPECT_EQ(be16(ip, 42), 10000);
  EXPECT_EQ(be16(ip, 44), 8 + datagram.size());
  EXPECT_NE(be16(ip, 46), 0);
  EXPECT_EQ(ones_complement_sum_of_pseudo_packet(ip), 0xffff);
  // The datagram, unchanged, and still a valid overlay packet.
  std::vector<std::byte> back;
  for (auto it = ip.begin() + 48; it != ip.end(); ++it) back.push_back(static_cast<std::byte>(*it));
  EXPECT_EQ(back, datagram);
  auto header = wire::decode_header(back);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->source.nid, Nid{0xa11c'0000'0000'0001ULL});
}

TEST(PcapWriter, ChecksumHoldsForManyDatagramsAndPorts) {
  for (std::uint16_t port : {std::uint16_t{10000}, std::uint16_t{1}, std::uint16_t{65535}}) {
    for (std::size_t n = 0; n < 300; n += 7) {
      std::ostringstream out;
      PcapWriter writer(out, port);
      wire::Buffer datagram(n);
      for (std::size_t i = 0; i < n; ++i) datagram[i] = static_cast<std::byte>(i * 37 + n);
      writer.write(Instant{}, Locator{0xffff'0000'0000'0000ULL + n}, static_cast<std::uint32_t>(n * 1000),
                   Nid{~std::uint64_t{0} - n}, datagram);
      auto b = bytes_of(out);
      std::vector<std::uint8_t> ip(b.begin() + 40, b.end());
      ASSERT_EQ(ip.size(), 48 + n);
      EXPECT_EQ(be16(ip, 40), port);
      EXPECT_EQ(ones_complement_sum_of_pseudo_packet(ip), 0xffff) << "n=" << n << " port=" << port;
    }
  }
}

TEST(PcapWriter, OversizeDatagramIsSkipped) {
  std::ostringstream out;
  PcapWriter writer(out);
  wire::Buffer largest(PcapWriter::kMaxDatagram);
  wire::Buffer too_large(PcapWriter::kMaxDatagram + 1);
  writer.write(Instant{}, Locator{1}, 0, Nid{1}, too_large);
  EXPECT_EQ(out.str().size(), 24U);
  EXPECT_EQ(writer.skipped(), 1U);
  writer.write(Instant{}, Locator{1}, 0, Nid{1}, largest);
  EXPECT_EQ(writer.records(), 1U);
  auto b = bytes_of(out);
  std::vector<std::uint8_t> ip(b.begin() + 40, b.end());
  EXPECT_EQ(ip.size(), 65535U);
  EXPECT_EQ(be16(ip, 4), 65535 - 40);
  EXPECT_EQ(ones_complement_sum_of_pseudo_packet(ip), 0xffff);
}

TEST(PcapWriter, TimeBeforeEpochIsZero) {
  std::ostringstream out;
  PcapWriter writer(out);
  writer.write(Instant{} - seconds(5), Locator{1}, 0, Nid{1}, wire::Buffer(40));
  auto b = bytes_of(out);
  EXPECT_EQ(le32(b, 24), 0U);
  EXPECT_EQ(le32(b, 28), 0U);
}

}  // namespace
}  // namespace ilnp::wire
