// The proxy's mapping table and decisions, with a real core Node and injected time.
#include <gtest/gtest.h>

#include "ilnp/core/proxy/proxy.hpp"

namespace ilnp::proxy {
namespace {

using namespace std::chrono_literals;
constexpr Locator A{0xa};
constexpr Nid kMe{0xd}, kBob{0xb};

TEST(Remote, ParsesHostnamesNidsAndIlvs) {
  EXPECT_EQ(std::get<std::string>(Remote::parse("bob")->target), "bob");
  EXPECT_EQ(std::get<Nid>(Remote::parse("ffff:0:0:b")->target), Nid{0xffff00000000000bULL});
  EXPECT_EQ(std::get<Ilv>(Remote::parse("0:0:0:b:ffff:0:0:b")->target), (Ilv{Locator{0xb}, Nid{0xffff00000000000bULL}}));
  EXPECT_EQ(Remote::parse("0:0:0:b:ffff:0:0:b")->to_string(), "0:0:0:b:ffff:0:0:b");
  for (auto bad : {"", "0:0:0:g", "0:0:0:b:zz:0:0:1", "a:b", "bad\tname"}) EXPECT_FALSE(Remote::parse(bad)) << bad;
}

TEST(MappingTable, RefusesDuplicatesPortZeroAndOverflow) {
  MappingTable t;
  EXPECT_FALSE(t.add(2000, *Remote::parse("bob"), 3000));
  EXPECT_EQ(t.add(2000, *Remote::parse("carol"), 3000), AddError::already_mapped);
  EXPECT_EQ(t.add(0, *Remote::parse("bob"), 3000), AddError::port_zero);
  for (Port p = 1; t.all().size() < MappingTable::kMaxMappings; ++p) (void)t.add(p, *Remote::parse("bob"), 1);
  EXPECT_EQ(t.add(65000, *Remote::parse("bob"), 1), AddError::table_full);
  EXPECT_TRUE(t.remove(2000));
  EXPECT_FALSE(t.remove(2000));
}

struct ProxyTest : ::testing::Test {
  NodeConfig config() {
    NodeConfig c;
    c.nid = kMe;
    c.hostname = "alice";
    c.locator_cycle = {{A}};
    return c;
  }
  Node node{config(), 1};
  Proxy proxy;
  Instant t0{};
  void SetUp() override {
    node.start(t0);
    while (node.poll_action()) {
    }
  }
  void learn_bob() {
    wire::Header h;
    h.source = Ilv{A, kBob};
    h.destination = Ilv{kAllNodes, Nid{0}};
    h.next_header = static_cast<std::uint8_t>(wire::NextHeader::discovery);
    node.handle_datagram(t0, A, wire::encode_packet(h, wire::encode_discovery({kBob, A, false, "bob"})));
    while (node.poll_action()) {
    }
  }
};

TEST_F(ProxyTest, SendsToTheResolvedHostFromTheLocalPort) {
  ASSERT_FALSE(proxy.add(node, 2000, *Remote::parse("bob"), 3000));
  EXPECT_EQ(proxy.ingress(t0, node, 2000, wire::as_bytes("early")), Outcome::unresolved);
  learn_bob();
  EXPECT_EQ(proxy.ingress(t0 + 1s, node, 2000, wire::as_bytes("hi")), Outcome::sent);
  std::optional<Transmit> sent;
  while (auto a = node.poll_action())
    if (auto* t = std::get_if<Transmit>(&*a)) sent = *t;
  ASSERT_TRUE(sent);
  auto seg = wire::decode_transport(wire::Bytes(sent->bytes).subspan(wire::kHeaderSize));
  EXPECT_EQ(seg->source_port, 2000);
  EXPECT_EQ(seg->destination_port, 3000);
  EXPECT_EQ(wire::as_text(seg->data), "hi");
  EXPECT_EQ(proxy.mappings().all().at(2000).stats.unresolved, 1u);
}

TEST_F(ProxyTest, OversizeIsRefusedAndCountedNotTruncated) {
  learn_bob();
  ASSERT_FALSE(proxy.add(node, 2000, *Remote::parse("bob"), 3000));
  wire::Buffer big(node.config().max_transport_data() + 1);
  EXPECT_EQ(proxy.ingress(t0, node, 2000, big), Outcome::too_large);
  EXPECT_EQ(proxy.stats().too_large, 1u);
  EXPECT_EQ(proxy.ingress(t0, node, 2999, wire::as_bytes("x")), Outcome::no_mapping);
}

TEST_F(ProxyTest, NidRemoteFollowsTheNameCacheAndMappedPortsAreBound) {
  learn_bob();
  ASSERT_FALSE(proxy.add(node, 2000, *Remote::parse("0:0:0:b"), 3000));
  EXPECT_FALSE(node.bind(2000));  // the proxy holds it
  EXPECT_EQ(proxy.ingress(t0, node, 2000, wire::as_bytes("x")), Outcome::sent);
  Deliver d{2000, Ilv{A, kBob}, 3000, Ilv{A, kMe}, A, wire::Buffer(5)};
  ASSERT_NE(proxy.egress(d), nullptr);
  EXPECT_EQ(proxy.mappings().all().at(2000).stats.datagrams_in, 1u);
  EXPECT_TRUE(proxy.remove(node, 2000));
  EXPECT_TRUE(node.bind(2000));
}

}  // namespace
}  // namespace ilnp::proxy
