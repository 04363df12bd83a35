// Moves driven by link events (Node::link_changed, network.moves = links):
// a dead link is left at once and the update goes through one still up; a
// link back up is joined, advertised and preferred again while the other
// stays in use; counts and notices in every mode.
#include <gtest/gtest.h>

#include "ilnp/core/node/node.hpp"

namespace ilnp {
namespace {

using namespace std::chrono_literals;
constexpr Locator A{0xa}, B{0xb}, C{0xc};
constexpr Nid kMe{0xffff00000000000dULL}, kBob{0xffff00000000000bULL};
constexpr Port kPort = 7;

std::vector<Action> drain(Node& n) {
  std::vector<Action> out;
  while (auto a = n.poll_action()) out.push_back(std::move(*a));
  return out;
}

wire::Buffer packet(Ilv from, Ilv to, wire::NextHeader nh, wire::Bytes payload) {
  wire::Header h;
  h.source = from;
  h.destination = to;
  h.next_header = static_cast<std::uint8_t>(nh);
  h.hop_limit = 3;
  return wire::encode_packet(h, payload);
}

// The locator updates among `actions`: the link each left on and the locators it carries.
std::vector<std::pair<Locator, std::vector<Locator>>> updates_in(const std::vector<Action>& actions) {
  std::vector<std::pair<Locator, std::vector<Locator>>> out;
  for (const auto& a : actions) {
    const auto* t = std::get_if<Transmit>(&a);
    if (!t) continue;
    auto h = wire::decode_header(t->bytes);
    if (!h.ok() || h->next_header != static_cast<std::uint8_t>(wire::NextHeader::locator_update)) continue;
    auto u = wire::decode_locator_update(wire::Bytes(t->bytes).subspan(wire::kHeaderSize));
    if (u.ok() && !u->is_ack) out.emplace_back(t->link, u->locators);
  }
  return out;
}

template <class T>
std::vector<Locator> links_of(const std::vector<Action>& actions) {
  std::vector<Locator> out;
  for (const auto& a : actions)
    if (const auto* x = std::get_if<T>(&a)) out.push_back(x->link);
  return out;
}

// A mobile node on A (preferred) and B, talking to bob on C behind a router
// it reaches through A.
struct LinkEvents : ::testing::Test {
  Instant t0{};
  Node mn{make_config(Moves::links), 1};

  static NodeConfig make_config(Moves moves) {
    NodeConfig c;
    c.nid = kMe;
    c.hostname = "mn";
    c.locator_cycle = {{A, B}};
    c.moves = moves;
    c.handoff_time = 10s;  // a soft handoff, which a dead link must not wait for
    return c;
  }
  void SetUp() override {
    mn.start(t0);
    mn.bind(kPort);
    bob_sends_on(A, t0);
    drain(mn);
  }
  void bob_sends_on(Locator arrival, Instant at) {
    mn.handle_datagram(at, arrival, packet({C, kBob}, {arrival, kMe}, wire::NextHeader::transport,
                                           wire::encode_transport(kPort, kPort, wire::as_bytes("data"))));
  }
  // The router relays bob's advertisement onto `arrival`: a route to C through it.
  void advertisement_on(Locator arrival, Instant at) {
    mn.handle_datagram(at, arrival, packet({C, kBob}, {kAllNodes, Nid{0}}, wire::NextHeader::discovery,
                                           wire::encode_discovery({kBob, C, false, "bob"})));
  }
  void run_timers(Instant until) {
    for (auto t = mn.next_timeout(); t <= until; t = mn.next_timeout()) mn.handle_timeout(t);
  }
};

TEST_F(LinkEvents, ADeadLinkIsLeftAtOnceAndTheUpdateGoesThroughTheLinkStillUp) {
  mn.link_changed(t0 + 1s, A, false);
  auto actions = drain(mn);
  EXPECT_EQ(links_of<Leave>(actions), std::vector<Locator>{A});  // not after handoff_time: the link is dead
  EXPECT_EQ(mn.active_locators(), std::vector<Locator>{B});
  EXPECT_EQ(mn.linked_locators(), std::set<Locator>{B});
  EXPECT_EQ(mn.links_down(), std::set<Locator>{A});
  EXPECT_EQ(mn.stats().link_downs, 1u);
  EXPECT_EQ(mn.stats().moves, 1u);
  // The route to C went with A: no update yet, a solicitation is due.
  EXPECT_TRUE(updates_in(actions).empty());
  EXPECT_EQ(mn.stats().updates_sent, 0u);
  run_timers(t0 + 1s + 5ms);
  drain(mn);
  // The first route through B sends it at once, not at the next retry.
  advertisement_on(B, t0 + 1s + 10ms);
  auto later = updates_in(drain(mn));
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].first, B);
  EXPECT_EQ(later[0].second, std::vector<Locator>{B});
}

TEST_F(LinkEvents, ALinkBackUpIsJoinedAdvertisedAndPreferredWhileTheOtherStays) {
  mn.link_changed(t0 + 1s, A, false);
  advertisement_on(B, t0 + 1s + 1ms);
  run_timers(t0 + 1s + 30ms);
  drain(mn);
  mn.link_changed(t0 + 2s, A, true);
  auto actions = drain(mn);
  EXPECT_EQ(links_of<Join>(actions), std::vector<Locator>{A});
  EXPECT_TRUE(links_of<Leave>(actions).empty());  // make-before-break: B stays in use
  EXPECT_EQ(mn.active_locators(), (std::vector<Locator>{A, B}));
  bool advertised_on_a = false;
  for (const auto& a : actions)
    if (const auto* t = std::get_if<Transmit>(&a); t && t->link == A) {
      auto h = wire::decode_header(t->bytes);
      advertised_on_a = advertised_on_a || (h.ok() && h->next_header == static_cast<std::uint8_t>(wire::NextHeader::discovery));
    }
  EXPECT_TRUE(advertised_on_a);
  auto updates = updates_in(actions);
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].second, (std::vector<Locator>{A, B}));  // the preferred first: bob sends there
  EXPECT_EQ(mn.stats().link_ups, 1u);
  EXPECT_TRUE(mn.links_down().empty());
  // Nothing is left when the soft-handoff time passes either.
  run_timers(t0 + 15s);
  EXPECT_TRUE(links_of<Leave>(drain(mn)).empty());
}

TEST_F(LinkEvents, TheLastLinkDownMovesNothingAndRepeatsAreNotCounted) {
  mn.link_changed(t0 + 1s, B, false);
  mn.link_changed(t0 + 1s, B, false);
  EXPECT_EQ(mn.stats().link_downs, 1u);
  EXPECT_EQ(mn.active_locators(), std::vector<Locator>{A});
  mn.link_changed(t0 + 2s, A, false);
  EXPECT_EQ(mn.active_locators(), std::vector<Locator>{A});  // nowhere to go
  EXPECT_EQ(mn.stats().moves, 1u);
  mn.link_changed(t0 + 3s, B, true);  // B first: it is the one up
  EXPECT_EQ(mn.active_locators(), std::vector<Locator>{B});
  mn.link_changed(t0 + 4s, C, false);  // not ours
  EXPECT_EQ(mn.stats().link_downs, 2u);
}

TEST_F(LinkEvents, NoticesSayWhichLinkChanged) {
  mn.link_changed(t0 + 1s, A, false);
  std::vector<LinkChanged> seen;
  for (const auto& a : drain(mn))
    if (const auto* n = std::get_if<Notice>(&a))
      if (const auto* c = std::get_if<LinkChanged>(&n->event)) seen.push_back(*c);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].link, A);
  EXPECT_FALSE(seen[0].up);
}

TEST(LinkEventsCycle, TimedMovesCountLinkEventsButDoNotMove) {
  auto c = LinkEvents::make_config(Moves::cycle);
  Node n(c, 1);
  n.start(Instant{});
  n.link_changed(Instant{} + 1s, A, false);
  EXPECT_EQ(n.stats().link_downs, 1u);
  EXPECT_EQ(n.stats().moves, 0u);
  EXPECT_EQ(n.active_locators(), (std::vector<Locator>{A, B}));
}

}  // namespace
}  // namespace ilnp
