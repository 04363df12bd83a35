// Both ends moving: alice (a <-> b) and bob (c <-> d) talk through a router
// on all four and move at overlapping times, so their locator updates cross
// in flight. Every offset from 0 to past one round trip (200 us per hop, 800
// us router round trip), over several seeds: in a soft handoff nothing is
// lost or duplicated either way and each ends bound to the other's new
// locator. And a correspondent that leaves at once (hard handoff) while our
// update to it is in flight still gets it, at its new locator.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "ilnp/sim/simulator.hpp"

namespace ilnp {
namespace {

using namespace std::chrono_literals;
constexpr Locator A{0xa}, B{0xb}, C{0xc}, D{0xd};
constexpr Nid kAlice{0xa}, kBob{0xb};
constexpr Port kPort = 1000;

NodeConfig node(Nid nid, const char* name, std::vector<std::vector<Locator>> cycle, Duration handoff) {
  NodeConfig c;
  c.nid = nid;
  c.hostname = name;
  c.locator_cycle = std::move(cycle);
  c.move_time = 2s;
  c.handoff_time = handoff;
  return c;
}

struct Received {
  std::set<std::string> distinct;
  std::size_t copies{0};
};

struct BothMoving {
  sim::Simulator s;
  std::size_t router, alice, bob;
  Received at_alice, at_bob;

  // alice moves at 2 s, bob at 2 s + offset (each starts its timer when added).
  BothMoving(std::uint64_t seed, Duration offset, Duration bob_handoff) : s(seed) {
    router = s.add_node(node(Nid{0xd}, "router", {{A, B, C, D}}, 1s));
    alice = s.add_node(node(kAlice, "alice", {{A}, {B}}, 1s));
    s.run_for(offset);
    bob = s.add_node(node(kBob, "bob", {{C}, {D}}, bob_handoff));
    for (auto [index, into] : {std::pair{alice, &at_alice}, std::pair{bob, &at_bob}}) {
      s.node(index).bind(kPort);
      s.on_deliver(index, [into](const Deliver& d) {
        into->distinct.insert(std::string(wire::as_text(d.data)));
        ++into->copies;
      });
    }
  }
  // Each sends to the other every 10 ms from 0.5 s to `until`; returns how many each sent.
  std::pair<std::size_t, std::size_t> stream(Instant until) {
    std::size_t from_alice = 0, from_bob = 0;
    s.run_until(Instant{} + 500ms);
    for (int i = 0; s.now() < until; ++i) {
      auto text = std::to_string(i);
      from_alice += s.send_to_host(alice, kPort, "bob", kPort, wire::as_bytes(text)) == SendStatus::sent;
      from_bob += s.send_to_host(bob, kPort, "alice", kPort, wire::as_bytes(text)) == SendStatus::sent;
      s.run_for(10ms);
    }
    s.run_for(100ms);  // the last ones arrive
    return {from_alice, from_bob};
  }
  [[nodiscard]] std::optional<Ilv> binding(std::size_t at, const char* host) { return s.node(at).resolve(host, s.now()); }
};

TEST(BothMoving, CrossingUpdatesInASoftHandoffLoseNothingAtAnyOffset) {
  for (std::uint64_t seed : {1, 2, 3}) {
    for (auto offset = 0us; offset <= 1200us; offset += 100us) {
      SCOPED_TRACE("seed " + std::to_string(seed) + " offset " + std::to_string(offset.count()) + " us");
      BothMoving t(seed, offset, 1s);
      auto [from_alice, from_bob] = t.stream(Instant{} + 3500ms);  // moves at 2 s and 2 s + offset
      EXPECT_EQ(t.s.node(t.alice).stats().moves, 1u);
      EXPECT_EQ(t.s.node(t.bob).stats().moves, 1u);
      EXPECT_GE(from_alice, 295u);
      EXPECT_EQ(from_bob, from_alice);
      EXPECT_EQ(t.at_bob.distinct.size(), from_alice) << "lost on the way to bob";
      EXPECT_EQ(t.at_alice.distinct.size(), from_bob) << "lost on the way to alice";
      EXPECT_EQ(t.at_bob.copies, t.at_bob.distinct.size()) << "duplicates at bob";
      EXPECT_EQ(t.at_alice.copies, t.at_alice.distinct.size()) << "duplicates at alice";
      EXPECT_EQ(t.binding(t.alice, "bob"), (Ilv{D, kBob}));
      EXPECT_EQ(t.binding(t.bob, "alice"), (Ilv{B, kAlice}));
      for (auto n : {t.alice, t.bob}) {
        EXPECT_EQ(t.s.node(n).stats().updates_given_up, 0u);
        EXPECT_TRUE(t.s.node(n).pending_updates().pending().empty());
      }
    }
  }
}

TEST(BothMoving, ACorrespondentThatLeftAtOnceGetsOurUpdateAtItsNewLocator) {
  // bob leaves c at once 100 us after alice's move: her update to c (one way
  // through the router: 400 us) arrives after he left; his reaches her.
  for (std::uint64_t seed : {1, 2, 3}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    BothMoving t(seed, 100us, 0s);
    t.stream(Instant{} + 3500ms);
    EXPECT_EQ(t.s.node(t.bob).stats().moves, 1u);
    EXPECT_EQ(t.binding(t.bob, "alice"), (Ilv{B, kAlice})) << "bob never heard of alice's move";
    EXPECT_EQ(t.s.node(t.alice).stats().updates_acknowledged, 1u);
    EXPECT_EQ(t.s.node(t.alice).stats().updates_given_up, 0u);
    // Soon, not after the retry wait (1 s): within a few round trips of his update.
    EXPECT_LE(t.s.node(t.alice).stats().updates_sent, 2u);
  }
}

}  // namespace
}  // namespace ilnp
