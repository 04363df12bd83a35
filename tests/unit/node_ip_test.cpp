// The node's IP over the overlay (proto/README.md section 13), driven by hand:
// a TUN packet reaches the peer's DeliverIp unchanged, through a router that
// carries no TUN; refusals are counted; a too-big packet is answered with a
// Packet Too Big, at a bounded rate; each peer's packets are counted; sealed
// IP (48) opens only as IP; flows follow a move.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>

#include "fixed_identity.hpp"
#include "ilnp/core/node/node.hpp"
#include "ip_packets.hpp"

namespace ilnp {
namespace {

using namespace std::chrono_literals;
constexpr Locator A{0xa}, B{0xb}, C{0xc};
constexpr tun::IdentifierPrefix kPrefix{0xfd69'6c6e'7000'0000ULL};

using testing::fixed_identity;

NodeConfig config(Nid nid, const char* name, std::vector<std::vector<Locator>> cycle, bool tun = true) {
  NodeConfig c;
  c.nid = nid;
  c.hostname = name;
  c.locator_cycle = std::move(cycle);
  c.discovery_wait_time = 2s;
  if (tun) c.ip_prefix = kPrefix;
  return c;
}

// An IPv6 packet between identifier addresses (payload: an ICMPv6-shaped body).
wire::Buffer ip_packet(Nid from, Nid to, std::size_t size = 64, std::uint8_t next_header = 58,
                       std::uint8_t hop_limit = 64) {
  wire::Buffer body(size - 40);
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<std::byte>(i * 7 + size);
  return testing::identifier_packet(kPrefix, from, to, body, next_header, hop_limit);
}

struct Hosts : ::testing::Test {
  Instant now{};
  std::vector<Node*> nodes;
  std::map<Node*, std::vector<wire::Buffer>> ip_at;
  std::deque<wire::Buffer> carried;  // a Forward is a view of the datagram its node was given

  // Carries every Transmit/Forward of every node to every other node joined to the link, until quiet.
  void settle() {
    for (bool busy = true; busy;) {
      busy = false;
      for (auto* from : nodes)
        while (auto a = from->poll_action()) {
          busy = true;
          wire::Buffer bytes;
          Locator link;
          if (auto* t = std::get_if<Transmit>(&*a)) {
            bytes = t->bytes;
            link = t->link;
          } else if (auto* f = std::get_if<Forward>(&*a)) {
            bytes.assign(f->datagram.begin(), f->datagram.end());
            bytes[wire::kHopLimitOffset] = static_cast<std::byte>(f->hop_limit);
            link = f->link;
          } else if (auto* d = std::get_if<DeliverIp>(&*a)) {
            ip_at[from].push_back(d->packet);
            continue;
          } else {
            continue;
          }
          carried.push_back(std::move(bytes));
          for (auto* to : nodes)
            if (to != from && to->linked_locators().contains(link)) to->handle_datagram(now, link, carried.back());
        }
    }
  }
  void start() {
    for (auto* n : nodes) n->start(now);
    for (auto* n : nodes) n->handle_timeout(now);
    settle();
    // A second round: answers to solicitations cross the router.
    now += 3s;
    for (auto* n : nodes) n->handle_timeout(now);
    settle();
  }
};

struct PlainHosts : Hosts {
  Node alice{config(Nid{0xa1'0000'0000'0001ULL}, "alice", {{A}}), 1};
  Node router{config(Nid{0xd}, "router", {{A, B}}, false), 2};
  Node bob{config(Nid{0xb0'0000'0000'0002ULL}, "bob", {{B}}), 3};
  void SetUp() override {
    nodes = {&alice, &router, &bob};
    start();
  }
};

TEST_F(PlainHosts, PacketCrossesARouterWithoutTunAndArrivesUnchanged) {
  auto ping = ip_packet(alice.config().nid, bob.config().nid);
  ASSERT_EQ(alice.send_ip(now, ping), SendStatus::sent);
  settle();
  ASSERT_EQ(ip_at[&bob].size(), 1u);
  auto expected = ping;
  expected[wire::kHopLimitOffset] = std::byte{63};  // one overlay router: one IP hop
  EXPECT_EQ(ip_at[&bob][0], expected);
  EXPECT_EQ(router.stats().forwarded, 1u);
  EXPECT_EQ(alice.stats().ip_sent, 1u);
  EXPECT_EQ(bob.stats().ip_delivered, 1u);
  // And back.
  ASSERT_EQ(bob.send_ip(now, ip_packet(bob.config().nid, alice.config().nid, 100)), SendStatus::sent);
  settle();
  ASSERT_EQ(ip_at[&alice].size(), 1u);
  EXPECT_EQ(ip_at[&alice][0].size(), 100u);
}

TEST_F(PlainHosts, NodeWithoutTunDropsIpAddressedToIt) {
  ASSERT_EQ(alice.send_ip(now, ip_packet(alice.config().nid, router.config().nid)), SendStatus::sent);
  settle();
  EXPECT_EQ(router.stats().dropped(DropReason::unknown_next_header), 1u);
  EXPECT_TRUE(ip_at[&router].empty());
}

TEST_F(PlainHosts, RefusedPacketsAreCountedByReason) {
  auto me = alice.config().nid, peer = bob.config().nid;
  EXPECT_EQ(alice.send_ip(now, ip_packet(Nid{0xdead}, peer)), SendStatus::refused);
  EXPECT_EQ(alice.stats().dropped(DropReason::ip_spoofed_source), 1u);
  EXPECT_EQ(alice.send_ip(now, ip_packet(me, peer, 64, 0)), SendStatus::refused);
  EXPECT_EQ(alice.stats().dropped(DropReason::ip_unsupported_next_header), 1u);
  auto truncated = ip_packet(me, peer);
  truncated.pop_back();
  EXPECT_EQ(alice.send_ip(now, truncated), SendStatus::refused);
  EXPECT_EQ(alice.stats().dropped(DropReason::ip_bad_length), 1u);
  EXPECT_EQ(alice.send_ip(now, ip_packet(me, Nid{0x777})), SendStatus::no_route);
  EXPECT_EQ(alice.stats().dropped(DropReason::no_route), 1u);
  settle();
  EXPECT_TRUE(ip_at[&bob].empty());
  EXPECT_EQ(alice.stats().ip_sent, 0u);
}

TEST_F(PlainHosts, TooBigPacketIsAnsweredWithPacketTooBig) {
  auto big = ip_packet(alice.config().nid, bob.config().nid, 1441);
  EXPECT_EQ(alice.send_ip(now, big), SendStatus::too_large);
  settle();
  EXPECT_EQ(alice.stats().dropped(DropReason::ip_too_big), 1u);
  ASSERT_EQ(ip_at[&alice].size(), 1u);
  EXPECT_EQ(ip_at[&alice][0], tun::packet_too_big(big, 1440));
  EXPECT_TRUE(ip_at[&bob].empty());
  EXPECT_EQ(alice.send_ip(now, ip_packet(alice.config().nid, bob.config().nid, 1440)), SendStatus::sent);
}

TEST_F(PlainHosts, PacketTooBigAnswersAreRateLimited) {
  auto big = ip_packet(alice.config().nid, bob.config().nid, 1441);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(alice.send_ip(now, big), SendStatus::too_large);
  settle();
  EXPECT_EQ(alice.stats().dropped(DropReason::ip_too_big), 100u);
  EXPECT_EQ(ip_at[&alice].size(), 10u);  // the burst
  EXPECT_EQ(alice.stats().ip_too_big_answered, 10u);
  now += 1s;  // ten more a second
  for (int i = 0; i < 100; ++i) EXPECT_EQ(alice.send_ip(now, big), SendStatus::too_large);
  settle();
  EXPECT_EQ(ip_at[&alice].size(), 20u);
}

TEST_F(PlainHosts, PacketsAreCountedPerPeer) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(alice.send_ip(now, ip_packet(alice.config().nid, bob.config().nid, 100)), SendStatus::sent);
  settle();
  ASSERT_EQ(bob.send_ip(now, ip_packet(bob.config().nid, alice.config().nid, 80)), SendStatus::sent);
  settle();
  auto peers = alice.ip_peers().by_recency();
  ASSERT_EQ(peers.size(), 1u);
  EXPECT_EQ(peers[0].first, bob.config().nid);
  EXPECT_EQ(peers[0].second.packets_out, 3u);
  EXPECT_EQ(peers[0].second.bytes_out, 300u);
  EXPECT_EQ(peers[0].second.packets_in, 1u);
  EXPECT_EQ(peers[0].second.bytes_in, 80u);
  // Refused packets count for no peer.
  EXPECT_EQ(alice.send_ip(now, ip_packet(alice.config().nid, Nid{0x777})), SendStatus::no_route);
  EXPECT_EQ(alice.ip_peers().size(), 1u);
}

TEST(PeerTraffic, ForgetsTheLeastRecentlyActivePastItsCap) {
  tun::PeerTraffic t;
  Instant now{};
  for (std::uint64_t i = 0; i < tun::PeerTraffic::kMaxPeers + 10; ++i) {
    now += 1ms;
    t.sent(Nid{i + 1}, 100, now);
    if (i == 20) t.received(Nid{1}, 50, now);  // peer 1 stays recent
  }
  EXPECT_EQ(t.size(), tun::PeerTraffic::kMaxPeers);
  auto peers = t.by_recency();
  EXPECT_EQ(peers.front().first, Nid{tun::PeerTraffic::kMaxPeers + 10});
  auto has = [&](std::uint64_t n) {
    return std::any_of(peers.begin(), peers.end(), [&](const auto& p) { return p.first == Nid{n}; });
  };
  EXPECT_TRUE(has(1));
  EXPECT_FALSE(has(2));  // the ten oldest (2 to 11) went first
  EXPECT_FALSE(has(11));
  EXPECT_TRUE(has(12));
}

struct SealedHosts : Hosts {
  security::Identity alice_id = fixed_identity(1), bob_id = fixed_identity(3);
  static NodeConfig sealed(const security::Identity& id, const char* name, std::vector<std::vector<Locator>> cycle) {
    auto c = config(id.nid(), name, std::move(cycle));
    c.security.secure = true;
    c.security.encrypt = true;
    c.handoff_time = 1s;
    c.move_time = 1h;  // moves by hand
    return c;
  }
  Node alice{sealed(alice_id, "alice", {{A}, {C}}), 1, {}, alice_id};
  Node bob{sealed(bob_id, "bob", {{A, C}}), 2, {}, bob_id};
  void SetUp() override {
    nodes = {&alice, &bob};
    start();
  }
};

TEST_F(SealedHosts, SealedIpOpensAtThePeerWithTwentyNineBytesOfOverhead) {
  auto ping = ip_packet(alice_id.nid(), bob_id.nid());
  ASSERT_EQ(alice.send_ip(now, ping), SendStatus::sent);
  auto out = alice.poll_action();
  ASSERT_TRUE(out && std::holds_alternative<Transmit>(*out));
  auto datagram = std::get<Transmit>(*out).bytes;
  EXPECT_EQ(datagram.size(), ping.size() + tun::kSealedIpOverhead);
  EXPECT_EQ(std::to_integer<int>(datagram[6]), 48);
  // Relabelled as sealed transport (47), it does not open.
  auto relabelled = datagram;
  relabelled[6] = std::byte{47};
  bob.handle_datagram(now, A, relabelled);
  EXPECT_EQ(bob.stats().dropped(DropReason::decrypt_failed), 1u);
  bob.handle_datagram(now, A, datagram);
  settle();
  ASSERT_EQ(ip_at[&bob].size(), 1u);
  EXPECT_EQ(ip_at[&bob][0], ping);
  // A replay is refused by the window.
  bob.handle_datagram(now, A, datagram);
  EXPECT_EQ(bob.stats().dropped(DropReason::replayed_datagram), 1u);
  EXPECT_EQ(alice.config().max_ip_packet(), 1440u - 29u);
}

TEST_F(SealedHosts, ClearIpIsRefusedWhenEncryptionIsOn) {
  auto clear = tun::to_overlay(ip_packet(alice_id.nid(), bob_id.nid()), A, A);
  bob.handle_datagram(now, A, clear);
  EXPECT_EQ(bob.stats().dropped(DropReason::unauthenticated), 1u);
  EXPECT_EQ(bob.stats().ip_delivered, 0u);
}

TEST_F(SealedHosts, FlowFollowsAMove) {
  ASSERT_EQ(alice.send_ip(now, ip_packet(alice_id.nid(), bob_id.nid())), SendStatus::sent);
  ASSERT_EQ(bob.send_ip(now, ip_packet(bob_id.nid(), alice_id.nid())), SendStatus::sent);
  settle();
  ASSERT_EQ(ip_at[&alice].size(), 1u);
  alice.move_to(now, {C});
  settle();  // the signed locator update reaches bob, its ack comes back
  EXPECT_EQ(alice.stats().updates_acknowledged, 1u);
  now += 2s;
  alice.handle_timeout(now);  // the handoff ends: alice leaves A
  settle();
  ASSERT_FALSE(alice.linked_locators().contains(A));
  ASSERT_EQ(bob.send_ip(now, ip_packet(bob_id.nid(), alice_id.nid(), 80)), SendStatus::sent);
  settle();
  ASSERT_EQ(ip_at[&alice].size(), 2u);
  EXPECT_EQ(ip_at[&alice][1].size(), 80u);
}

}  // namespace
}  // namespace ilnp
