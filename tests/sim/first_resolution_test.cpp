// Time to first resolution through a router (the three-Pi shape): bob starts
// after alice and the router have exchanged discovery, and must resolve
// alice from the answer to his own solicitation, not at her next move or
// solicitation (before the fix the router suppressed that answer as a
// repeat of the advertisement it had flooded 1 s earlier).
#include <gtest/gtest.h>

#include "ilnp/sim/simulator.hpp"
#include "static_node.hpp"

namespace ilnp {
namespace {

using namespace std::chrono_literals;
constexpr Locator A{0xa}, B{0xb}, C{0xc};

using test::static_node;

// Virtual time from bob's start until he resolves `host`, in 1 ms steps.
Duration time_to_resolve(sim::Simulator& s, std::size_t bob, const char* host) {
  auto start = s.now();
  while (!s.node(bob).resolve(host, s.now()) && s.now() - start < 60s) s.run_for(1ms);
  return s.now() - start;
}

TEST(FirstResolution, ALateCorrespondentResolvesThroughTheRouterAtOnce) {
  sim::Simulator s(1);
  s.add_node(static_node(0xa, "alice", {A}));
  s.add_node(static_node(0xd, "clare", {A, B, C}));
  s.run_for(1s);  // alice and clare solicit and answer each other
  auto bob = s.add_node(static_node(0xb, "bob", {B}));
  auto t = time_to_resolve(s, bob, "alice");
  std::printf("bob resolved alice %.1f ms after he started\n", to_seconds(t) * 1000);
  EXPECT_LT(t, 100ms);
  // And alice resolves bob from the same exchange.
  EXPECT_TRUE(s.node(0).resolve("bob", s.now()));
}

// Several correspondents starting a little apart each get their answer.
TEST(FirstResolution, EveryLateStarterGetsAnAnswer) {
  sim::Simulator s(2);
  s.add_node(static_node(0xa, "alice", {A}));
  s.add_node(static_node(0xd, "clare", {A, B, C}));
  s.run_for(1s);
  for (std::uint64_t i = 0; i < 4; ++i) {
    auto late = s.add_node(static_node(0x100 + i, ("cn" + std::to_string(i)).c_str(), {i % 2 ? B : C}));
    EXPECT_LT(time_to_resolve(s, late, "alice"), 100ms) << "cn" << i;
    s.run_for(300ms);
  }
}

}  // namespace
}  // namespace ilnp
