// proto/vectors/ip.vec (proto/README.md section 13): TUN packets map to the
// overlay datagrams the vectors give (or are refused for their reason),
// overlay datagrams map back to the packets, and a too-big packet gets the
// vector's Packet Too Big. Every packet handed to a kernel carries a valid
// upper-layer checksum, recomputed here from RFC 8200 section 8.1.
#include <gtest/gtest.h>

#include <set>

#include "ilnp/core/tun/ip_mapping.hpp"
#include "vectors.hpp"

namespace ilnp {
namespace {

using test::from_hex;
using test::load_vectors;
using test::Vector;

std::vector<Vector> layer(const std::string& name) {
  std::vector<Vector> out;
  for (auto& v : load_vectors("ip.vec"))
    if (v.at("layer") == name) out.push_back(std::move(v));
  return out;
}
tun::IdentifierPrefix prefix(const Vector& v) { return tun::IdentifierPrefix{*parse_hex64(v.at("prefix"))}; }
std::string drop(DropReason r) { return "drop:" + std::string(to_string(r)); }

// The one's-complement sum over the pseudo-header and the upper-layer body is 0xffff when valid.
bool checksum_valid(const wire::Buffer& packet) {
  std::uint32_t sum = 0;
  auto add = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; i += 2)
      sum += std::to_integer<std::uint32_t>(packet[i]) << 8 |
             (i + 1 < to ? std::to_integer<std::uint32_t>(packet[i + 1]) : 0u);
  };
  add(8, 40);
  auto length = packet.size() - 40;
  sum += static_cast<std::uint32_t>(length) + std::to_integer<std::uint32_t>(packet[6]);
  add(40, packet.size());
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return sum == 0xffff;
}

TEST(IpVectors, FileIsWellFormedAndCoversEveryReason) {
  auto all = load_vectors("ip.vec");
  ASSERT_GE(all.size(), 20u);
  std::set<std::string> expects;
  for (const auto& v : all) expects.insert(v.at("expect"));
  for (auto r : {DropReason::ip_too_short, DropReason::ip_not_ipv6, DropReason::ip_bad_length,
                 DropReason::ip_not_carried, DropReason::ip_spoofed_source, DropReason::ip_unsupported_next_header,
                 DropReason::ip_too_big})
    EXPECT_TRUE(expects.contains(drop(r))) << to_string(r);
  std::set<std::string> names;
  for (auto file : {"header.vec", "discovery.vec", "locator_update.vec", "transport.vec", "group.vec", "secure.vec",
                    "hub.vec"})
    for (const auto& v : load_vectors(file)) names.insert(v.at("name"));
  for (const auto& v : all) EXPECT_TRUE(names.insert(v.at("name")).second) << "duplicate " << v.name();
}

TEST(IpVectors, TunPacketsBecomeTheirOverlayDatagrams) {
  auto vectors = layer("ip_send");
  ASSERT_GE(vectors.size(), 15u);
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.name());
    auto parsed = tun::parse_tun_packet(v.bytes, prefix(v), *Nid::parse(v.at("own_nid")), std::stoul(v.at("mtu")));
    if (v.at("expect") != "ok") {
      ASSERT_FALSE(parsed.ok());
      EXPECT_EQ(drop(parsed.error()), v.at("expect"));
      continue;
    }
    ASSERT_TRUE(parsed.ok()) << to_string(parsed.error());
    EXPECT_EQ(parsed->destination, *Nid::parse(v.at("dst_nid")));
    EXPECT_TRUE(checksum_valid(v.bytes));
    auto overlay = tun::to_overlay(v.bytes, *Locator::parse(v.at("src_loc")), *Locator::parse(v.at("dst_loc")));
    EXPECT_EQ(overlay, from_hex(v.at("overlay")));
    EXPECT_EQ(overlay.size(), v.bytes.size()) << "no bytes added";
    // And back: the receiver restores exactly the packet the kernel wrote.
    auto back = tun::from_overlay(overlay, prefix(v));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, v.bytes);
  }
}

TEST(IpVectors, OverlayDatagramsBecomeTheirPackets) {
  auto vectors = layer("ip_receive");
  ASSERT_GE(vectors.size(), 4u);
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.name());
    auto packet = tun::from_overlay(v.bytes, prefix(v));
    if (v.at("expect") != "ok") {
      ASSERT_FALSE(packet.ok());
      EXPECT_EQ(drop(packet.error()), v.at("expect"));
      continue;
    }
    ASSERT_TRUE(packet.ok()) << to_string(packet.error());
    EXPECT_EQ(*packet, from_hex(v.at("ip")));
    EXPECT_TRUE(checksum_valid(*packet)) << "the restored prefix keeps the transport checksum valid";
  }
}

TEST(IpVectors, PacketTooBigQuotesThePacketBackToItsSender) {
  auto vectors = layer("ip_too_big");
  ASSERT_FALSE(vectors.empty());
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.name());
    auto mtu = static_cast<std::uint32_t>(std::stoul(v.at("mtu")));
    auto icmp = tun::packet_too_big(v.bytes, mtu);
    EXPECT_EQ(icmp, from_hex(v.at("icmp")));
    EXPECT_EQ(icmp.size(), tun::kMinimumMtu);
    EXPECT_TRUE(checksum_valid(icmp));
  }
}

TEST(SealedIp, PlaintextCarriesTheInnerProtocolAndRebuildsThePacket) {
  auto v = layer("ip_send").front();
  auto plain = tun::sealed_ip_plaintext(v.bytes);
  ASSERT_EQ(plain.size(), v.bytes.size() - 40 + 1);
  EXPECT_EQ(plain[0], v.bytes[6]);
  auto overlay = tun::to_overlay(v.bytes, Locator{0xa}, Locator{0xb});
  auto outer = *wire::decode_header(overlay);
  outer.next_header = 48;
  auto packet = tun::from_sealed_ip(outer, plain, prefix(v));
  ASSERT_TRUE(packet.ok());
  EXPECT_EQ(*packet, v.bytes);
  plain[0] = std::byte{43};
  EXPECT_EQ(tun::from_sealed_ip(outer, plain, prefix(v)).error(), DropReason::ip_unsupported_next_header);
  EXPECT_EQ(tun::from_sealed_ip(outer, {}, prefix(v)).error(), DropReason::truncated_secure_message);
}

}  // namespace
}  // namespace ilnp
