// The node's per-packet decisions with injected time: deliver, forward, flood,
// drop (and which counter), and the discovery schedule.
#include <gtest/gtest.h>

#include "ilnp/core/node/node.hpp"

namespace ilnp {
namespace {

using namespace std::chrono_literals;
constexpr Locator A{0xa}, B{0xb}, C{0xc};
constexpr Nid kMe{0xffff00000000000dULL}, kAlice{0xffff00000000000aULL}, kBob{0xffff00000000000bULL};

NodeConfig config(std::vector<Locator> locators) {
  NodeConfig c;
  c.nid = kMe;
  c.hostname = "router";
  c.locator_cycle = {std::move(locators)};
  return c;
}

wire::Buffer packet(Ilv from, Ilv to, wire::NextHeader nh, wire::Bytes payload, std::uint8_t hop = 3) {
  wire::Header h;
  h.source = from;
  h.destination = to;
  h.next_header = static_cast<std::uint8_t>(nh);
  h.hop_limit = hop;
  return wire::encode_packet(h, payload);
}

wire::Buffer transport(Ilv from, Ilv to, Port port, std::string_view text, std::uint8_t hop = 3) {
  return packet(from, to, wire::NextHeader::transport, wire::encode_transport(1, port, wire::as_bytes(text)), hop);
}

wire::Buffer discovery(Ilv from, bool solicitation, const std::string& name, std::uint8_t hop = 3) {
  return packet(from, Ilv{kAllNodes, Nid{0}}, wire::NextHeader::discovery,
                wire::encode_discovery({from.nid, from.locator, solicitation, name}), hop);
}

std::vector<Action> drain(Node& n) {
  std::vector<Action> out;
  while (auto a = n.poll_action()) out.push_back(std::move(*a));
  return out;
}

std::vector<Transmit> transmits(Node& n) {
  std::vector<Transmit> out;
  for (auto& a : drain(n))
    if (auto* t = std::get_if<Transmit>(&a)) out.push_back(std::move(*t));
  return out;
}

std::vector<Forward> forwards(Node& n) {
  std::vector<Forward> out;
  for (auto& a : drain(n))
    if (auto* f = std::get_if<Forward>(&a)) out.push_back(*f);
  return out;
}

struct NodeTest : ::testing::Test {
  Instant t0{};
  Node router{config({A, B, C}), 1};
  void SetUp() override {
    router.start(t0);
    router.handle_timeout(t0);  // first solicitations
    drain(router);
  }
};

TEST_F(NodeTest, StartJoinsEveryLocatorAndSolicitsOnEach) {
  Node n(config({A, B}), 1);
  n.start(t0);
  n.handle_timeout(t0);
  auto actions = drain(n);
  ASSERT_EQ(actions.size(), 4u);
  EXPECT_EQ(std::get<Join>(actions[0]).link, A);
  EXPECT_EQ(std::get<Join>(actions[1]).link, B);
  auto sol = wire::decode_header(std::get<Transmit>(actions[2]).bytes);
  ASSERT_TRUE(sol.ok());
  EXPECT_EQ(sol->destination.locator, kAllNodes);
  EXPECT_EQ(sol->source, (Ilv{A, kMe}));
  EXPECT_EQ(n.stats().solicitations_sent, 2u);
}

TEST_F(NodeTest, ForwardsAlongALearnedRouteWithHopLimitMinusOne) {
  router.handle_datagram(t0, A, discovery({A, kAlice}, false, "alice"));  // teaches nothing: A is ours
  drain(router);
  // bob, on a locator we are not joined to, is heard through B.
  Locator far{0xf};
  auto from_bob = transport({far, kBob}, {A, kAlice}, 7, "x");
  router.handle_datagram(t0 + 1s, B, from_bob);
  auto out = forwards(router);
  ASSERT_EQ(out.size(), 1u);  // A is joined: delivered on A's link
  EXPECT_EQ(out[0].link, A);
  EXPECT_EQ(out[0].hop_limit, 2);
  EXPECT_EQ(out[0].datagram.data(), from_bob.data());  // the input itself, not a copy
  EXPECT_EQ(out[0].datagram.size(), from_bob.size());
  // Now alice answers bob at `far`: the route learned from bob's packet is used.
  router.handle_datagram(t0 + 2s, A, transport({A, kAlice}, {far, kBob}, 7, "y"));
  out = forwards(router);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].link, B);
  EXPECT_EQ(router.stats().forwarded, 2u);
}

TEST_F(NodeTest, DropsWithoutRouteAndOnTheDestinationsOwnLink) {
  router.handle_datagram(t0, A, transport({A, kAlice}, {Locator{0x77}, kBob}, 7, "x"));
  EXPECT_EQ(router.stats().dropped(DropReason::no_route), 1u);
  router.handle_datagram(t0, A, transport({A, kAlice}, {A, kBob}, 7, "x"));
  EXPECT_EQ(router.stats().dropped(DropReason::same_link), 1u);
  EXPECT_TRUE(drain(router).empty());
}

TEST_F(NodeTest, HopLimitZeroIsNeverForwarded) {
  router.handle_datagram(t0, B, transport({B, kBob}, {A, kAlice}, 7, "x", 0));
  EXPECT_EQ(router.stats().dropped(DropReason::hop_limit_exceeded), 1u);
  EXPECT_TRUE(drain(router).empty());
}

TEST_F(NodeTest, DeliversToBoundPortsOnly) {
  router.bind(7);
  router.handle_datagram(t0, A, transport({A, kAlice}, {A, kMe}, 7, "hello"));
  router.handle_datagram(t0, A, transport({A, kAlice}, {A, kMe}, 8, "nobody"));
  auto actions = drain(router);
  ASSERT_EQ(actions.size(), 1u);
  auto& d = std::get<Deliver>(actions[0]);
  EXPECT_EQ(d.port, 7);
  EXPECT_EQ(d.source, (Ilv{A, kAlice}));
  EXPECT_EQ(wire::as_text(d.data), "hello");
  EXPECT_EQ(router.stats().dropped(DropReason::port_unbound), 1u);
}

TEST_F(NodeTest, MalformedInputIsCountedNeverFatal) {
  wire::Buffer junk(39, std::byte{1});
  router.handle_datagram(t0, A, junk);
  EXPECT_EQ(router.stats().dropped(DropReason::short_header), 1u);
  auto p = transport({A, kAlice}, {A, kMe}, 7, "x");
  p.push_back(std::byte{0});
  router.handle_datagram(t0, A, p);
  EXPECT_EQ(router.stats().dropped(DropReason::payload_length_mismatch), 1u);
  router.handle_datagram(t0, A, packet({A, kAlice}, {A, kMe}, static_cast<wire::NextHeader>(99), {}));
  EXPECT_EQ(router.stats().dropped(DropReason::unknown_next_header), 1u);
  router.handle_datagram(t0, A, packet({A, kAlice}, {A, kMe}, wire::NextHeader::transport, wire::Buffer(3)));
  EXPECT_EQ(router.stats().dropped(DropReason::truncated_transport), 1u);
  router.handle_datagram(t0, A, packet({A, kAlice}, {kAllNodes, Nid{0}}, wire::NextHeader::discovery, wire::Buffer(16)));
  EXPECT_EQ(router.stats().dropped(DropReason::truncated_discovery), 1u);
}

TEST_F(NodeTest, OwnPacketsAreRecognisedBySourceNid) {
  router.handle_datagram(t0, A, discovery({A, kMe}, true, "router"));
  EXPECT_EQ(router.stats().dropped(DropReason::own_packet), 1u);
  EXPECT_TRUE(transmits(router).empty());
}

TEST_F(NodeTest, PacketsOnALinkNoLongerActiveAreIgnoredUnlessAddressedToIt) {
  Node mobile(config({A}), 1);
  mobile.start(t0);
  drain(mobile);
  mobile.bind(7);
  // D is not joined: only a packet whose destination locator is D is taken.
  Locator d{0xd};
  mobile.handle_datagram(t0, d, transport({B, kBob}, {A, kMe}, 7, "copy in transit"));
  EXPECT_EQ(mobile.stats().dropped(DropReason::not_joined), 1u);
  mobile.handle_datagram(t0, d, transport({B, kBob}, {d, kMe}, 7, "for the old locator"));
  EXPECT_EQ(mobile.stats().delivered, 1u);
}

TEST_F(NodeTest, DiscoveryFloodsThroughOtherLinksOnceWithHopLimitMinusOne) {
  auto msg = discovery({A, kAlice}, false, "alice");
  router.handle_datagram(t0, A, msg);
  auto out = transmits(router);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].link, B);
  EXPECT_EQ(out[1].link, C);
  for (auto& t : out) {
    EXPECT_EQ(wire::decode_header(t.bytes)->hop_limit, 2);
    EXPECT_EQ(wire::decode_header(t.bytes)->source, (Ilv{A, kAlice}));  // unchanged otherwise
  }
  EXPECT_EQ(router.resolve("alice", t0), (Ilv{A, kAlice}));
  // The same message coming back through another router is not re-flooded.
  auto back = msg;
  back[wire::kHopLimitOffset] = std::byte{1};
  router.handle_datagram(t0 + 100ms, B, back);
  EXPECT_TRUE(transmits(router).empty());
  EXPECT_EQ(router.stats().dropped(DropReason::duplicate_flood), 1u);
}

TEST_F(NodeTest, SolicitationIsAnsweredOnEveryLinkAndSuppressesOurOwn) {
  router.handle_datagram(t0 + 1s, A, discovery({A, kAlice}, true, "alice"));
  auto out = transmits(router);
  int adverts = 0;
  for (auto& t : out) {
    auto h = wire::decode_header(t.bytes);
    auto d = wire::decode_discovery(wire::Bytes(t.bytes).subspan(wire::kHeaderSize));
    if (h->source.nid == kMe && !d->solicitation) {
      ++adverts;
      EXPECT_EQ(d->locator, t.link);  // each advertisement names its own link
    }
  }
  EXPECT_EQ(adverts, 3);
  // Our next scheduled solicitation (15-30 s later) is skipped: one was heard.
  auto sent = router.stats().solicitations_sent;
  for (auto t = t0 + 2s; t < t0 + 31s; t += 100ms)
    if (router.next_timeout() <= t) router.handle_timeout(t);
  EXPECT_EQ(router.stats().solicitations_sent, sent);
  for (auto t = t0 + 31s; t < t0 + 70s; t += 100ms)
    if (router.next_timeout() <= t) router.handle_timeout(t);
  EXPECT_GT(router.stats().solicitations_sent, sent);
}

TEST_F(NodeTest, SenderWithoutRouteAsksAtOnceInsteadOfWaiting) {
  router.bind(7);
  auto sent = router.stats().solicitations_sent;
  EXPECT_EQ(router.send_to(t0 + 1s, 7, Ilv{Locator{0x55}, kBob}, 7, wire::as_bytes("x")), SendStatus::no_route);
  EXPECT_LE(router.next_timeout(), t0 + 1s);
  router.handle_timeout(t0 + 1s);
  EXPECT_EQ(router.stats().solicitations_sent, sent + 3);
  EXPECT_EQ(router.send_to_host(t0 + 1s, 7, "nobody", 7, wire::as_bytes("x")), SendStatus::unknown_host);
}

TEST_F(NodeTest, TooLargeDataIsRefusedNotTruncated) {
  wire::Buffer big(router.config().max_transport_data() + 1);
  EXPECT_EQ(router.send_to(t0, 7, Ilv{A, kAlice}, 7, big), SendStatus::too_large);
  big.pop_back();
  EXPECT_EQ(router.send_to(t0, 7, Ilv{A, kAlice}, 7, big), SendStatus::sent);
  EXPECT_EQ(transmits(router).at(0).bytes.size(), 1440u);
}

TEST_F(NodeTest, LocatorUpdateRebindsTheNameAndIsAcknowledged) {
  router.handle_datagram(t0, A, discovery({A, kAlice}, false, "alice"));
  drain(router);
  auto update = wire::encode_locator_update({false, {B}});
  router.handle_datagram(t0 + 1s, A, packet({A, kAlice}, {A, kMe}, wire::NextHeader::locator_update, update));
  EXPECT_EQ(router.resolve("alice", t0 + 1s), (Ilv{B, kAlice}));
  auto out = transmits(router);
  ASSERT_EQ(out.size(), 1u);
  auto h = wire::decode_header(out[0].bytes);
  EXPECT_EQ(h->destination, (Ilv{B, kAlice}));
  EXPECT_EQ(wire::decode_locator_update(wire::Bytes(out[0].bytes).subspan(wire::kHeaderSize))->is_ack, true);
}

}  // namespace
}  // namespace ilnp

namespace ilnp {
namespace {

using namespace std::chrono_literals;

TEST_F(NodeTest, DuplicateUpdateIsIdempotentAndAckedAgain) {
  router.handle_datagram(t0, A, discovery({A, kAlice}, false, "alice"));
  drain(router);
  auto update = packet({A, kAlice}, {A, kMe}, wire::NextHeader::locator_update, wire::encode_locator_update({false, {B, C}}));
  router.handle_datagram(t0 + 1s, A, update);
  router.handle_datagram(t0 + 2s, A, update);
  EXPECT_EQ(transmits(router).size(), 2u);  // two acks
  EXPECT_EQ(router.stats().updates_received, 2u);
  EXPECT_EQ(router.names().hosts().at("alice").size(), 2u);
  EXPECT_EQ(router.resolve("alice", t0 + 2s)->nid, kAlice);
}

TEST_F(NodeTest, UpdateFromAnUnknownNodeStillRedirectsItsNid) {
  router.bind(7);
  auto update = packet({A, kBob}, {A, kMe}, wire::NextHeader::locator_update, wire::encode_locator_update({false, {C}}));
  router.handle_datagram(t0, A, update);
  drain(router);
  // Data the application addresses to bob's old locator goes to the new one.
  EXPECT_EQ(router.send_to(t0 + 1s, 7, Ilv{A, kBob}, 7, wire::as_bytes("x")), SendStatus::sent);
  auto out = transmits(router);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(wire::decode_header(out[0].bytes)->destination, (Ilv{C, kBob}));
}

TEST_F(NodeTest, AckForNoPendingUpdateIsHarmless) {
  router.handle_datagram(t0, A, packet({A, kBob}, {A, kMe}, wire::NextHeader::locator_update,
                                       wire::encode_locator_update({true, {}})));
  EXPECT_TRUE(drain(router).empty());
  EXPECT_EQ(router.stats().updates_acknowledged, 0u);
}

TEST(NodeMobility, ActiveCorrespondentsAreUpdatedAndAnAckFromANewLocatorCounts) {
  NodeConfig c = config({A});
  c.locator_cycle = {{A}, {B}};
  c.active_session_ttl = 30s;
  Node mn(c, 1);
  Instant t0{};
  mn.start(t0);
  mn.bind(7);
  (void)mn.send_to(t0, 7, Ilv{A, kAlice}, 7, wire::as_bytes("recent"));
  (void)mn.send_to(t0, 7, Ilv{A, kBob}, 7, wire::as_bytes("old"));
  (void)mn.send_to(t0 + 15s, 7, Ilv{A, kAlice}, 7, wire::as_bytes("recent again"));
  drain(mn);
  // At 20 s the move happens; bob was last active 20 s ago, alice 5 s ago.
  for (auto t = t0 + 1s; t <= t0 + 20s; t += 1s)
    if (mn.next_timeout() <= t) mn.handle_timeout(t);
  EXPECT_EQ(mn.stats().moves, 1u);
  EXPECT_EQ(mn.stats().updates_sent, 2u);  // alice and bob: both within 30 s
  drain(mn);
  // alice acknowledges from a locator that is not the one we knew her by.
  mn.handle_datagram(t0 + 20s + 5ms, B, packet({Locator{0x77}, kAlice}, {B, kMe}, wire::NextHeader::locator_update,
                                              wire::encode_locator_update({true, {}})));
  EXPECT_EQ(mn.stats().updates_acknowledged, 1u);
  EXPECT_EQ(mn.pending_updates().pending().size(), 1u);
}

TEST(NodeMobility, CorrespondentsExpireAfterTheSessionTtl) {
  NodeConfig c = config({A});
  c.locator_cycle = {{A}, {B}};
  c.active_session_ttl = 10s;
  Node mn(c, 1);
  Instant t0{};
  mn.start(t0);
  (void)mn.send_to(t0, 7, Ilv{A, kAlice}, 7, wire::as_bytes("long ago"));
  for (auto t = t0 + 1s; t <= t0 + 20s; t += 1s)
    if (mn.next_timeout() <= t) mn.handle_timeout(t);
  EXPECT_EQ(mn.stats().moves, 1u);
  EXPECT_EQ(mn.stats().updates_sent, 0u);
}

TEST(NodeMobility, ACorrespondentsOwnUpdateRedirectsOursPendingToIt) {
  // Both ends moved at once: ours went to where bob was; his says where he is.
  NodeConfig c = config({A});
  c.locator_cycle = {{A}, {B}};
  Node mn(c, 1);
  Instant t0{};
  mn.start(t0);
  (void)mn.send_to(t0, 7, Ilv{A, kBob}, 7, wire::as_bytes("data"));
  mn.move_to(t0 + 1s, {B});
  drain(mn);
  constexpr Locator D{0xd};
  mn.handle_datagram(t0 + 1s + 1ms, A, packet({D, kBob}, {A, kMe}, wire::NextHeader::locator_update,
                                             wire::encode_locator_update({false, {D}})));
  std::vector<Locator> update_destinations;
  for (auto& t : transmits(mn)) {
    auto h = wire::decode_header(t.bytes);
    auto u = wire::decode_locator_update(wire::Bytes(t.bytes).subspan(wire::kHeaderSize));
    if (h.ok() && u.ok() && !u->is_ack) update_destinations.push_back(h->destination.locator);
  }
  EXPECT_EQ(update_destinations, std::vector<Locator>{D});  // at once, not after the retry wait
  EXPECT_EQ(mn.pending_updates().pending().at(kBob).peer.locator, D);
}

TEST(NodeMobility, HardHandoffLeavesBeforeJoining) {
  NodeConfig c = config({A});
  c.locator_cycle = {{A}, {B}};
  c.handoff_time = 0s;
  Node mn(c, 1);
  mn.start(Instant{});
  drain(mn);
  mn.move_to(Instant{} + 1s, {B});
  std::vector<Action> membership;
  for (auto& a : drain(mn))
    if (std::holds_alternative<Join>(a) || std::holds_alternative<Leave>(a)) membership.push_back(a);
  ASSERT_EQ(membership.size(), 2u);
  EXPECT_EQ(std::get<Leave>(membership[0]).link, A);
  EXPECT_EQ(std::get<Join>(membership[1]).link, B);
  EXPECT_EQ(mn.linked_locators(), std::set<Locator>({B}));
}

}  // namespace
}  // namespace ilnp
