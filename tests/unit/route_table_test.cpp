// Backwards learning, expiry and keep-alive of routes in use, with injected time.
#include <gtest/gtest.h>

#include "ilnp/core/forwarding/route_table.hpp"

namespace ilnp {
namespace {

using namespace std::chrono_literals;
constexpr Locator A{0xa}, B{0xb}, X{0x99};

TEST(RouteTable, LearnsAndExpiresAfterTtl) {
  forwarding::RouteTable t(30s, 90s);
  Instant t0{};
  EXPECT_TRUE(t.learn(X, A, t0, 3));
  EXPECT_FALSE(t.learn(X, A, t0 + 1s, 3));  // a confirmation, not news
  EXPECT_TRUE(t.learn(X, B, t0 + 2s, 3));   // moved to another link
  EXPECT_TRUE(t.expire(t0 + 31s).empty());
  auto gone = t.expire(t0 + 32s);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].destination, X);
  EXPECT_FALSE(t.lookup(X, t0 + 33s));
}

TEST(RouteTable, RouteInUseOutlivesTtlWhileRefreshIsAskedFor) {
  forwarding::RouteTable t(30s, 90s);
  Instant t0{};
  t.learn(X, A, t0, 3);
  for (auto s = 1s; s < 60s; s += 1s) ASSERT_EQ(t.lookup(X, t0 + s), A) << s.count();
  EXPECT_TRUE(t.expire(t0 + 60s).empty());
  EXPECT_EQ(t.needing_refresh(t0 + 60s).size(), 1u);
  t.learn(X, A, t0 + 61s, 3);  // the refresh arrived
  EXPECT_TRUE(t.needing_refresh(t0 + 62s).empty());
}

TEST(RouteTable, KeepAliveHasAHardLimit) {
  forwarding::RouteTable t(30s, 90s);
  Instant t0{};
  t.learn(X, A, t0, 3);
  for (auto s = 1s; s < 90s; s += 1s) ASSERT_TRUE(t.lookup(X, t0 + s));
  EXPECT_FALSE(t.lookup(X, t0 + 90s));
  EXPECT_EQ(t.expire(t0 + 90s).size(), 1u);
}

TEST(RouteTable, UnusedRouteLapsesAtTtl) {
  forwarding::RouteTable t(30s, 90s);
  t.learn(X, A, Instant{}, 3);
  EXPECT_FALSE(t.lookup(X, Instant{} + 30s));
}

TEST(RouteTable, ForgetViaDropsRoutesThroughALeftLink) {
  forwarding::RouteTable t(30s, 90s);
  t.learn(X, A, Instant{}, 3);
  t.learn(Locator{0x98}, B, Instant{}, 3);
  EXPECT_EQ(t.forget_via(A), 1u);
  EXPECT_FALSE(t.lookup(X, Instant{} + 1s));
  EXPECT_TRUE(t.lookup(Locator{0x98}, Instant{} + 1s));
}

// A mobile node in a soft handoff hears a destination on its old link (the
// route) and, just as far, on its new one: leaving the old link moves the
// route to the new one instead of leaving the node with none.
TEST(RouteTable, LeavingALinkFallsBackToTheWayLastHeardElsewhere) {
  forwarding::RouteTable t(30s, 90s);
  Instant t0{};
  t.learn(X, A, t0, 2);
  EXPECT_FALSE(t.learn(X, B, t0 + 100ms, 2));  // as short: the route stays on A
  EXPECT_EQ(t.lookup(X, t0 + 200ms), A);
  EXPECT_EQ(t.forget_via(A), 0u);
  EXPECT_EQ(t.lookup(X, t0 + 300ms), B);
  EXPECT_EQ(t.forget_via(B), 1u);  // no way left
  EXPECT_FALSE(t.lookup(X, t0 + 400ms));
}

// A way given up for a shorter one is the fallback when the shorter one's
// link is left; an alternate through the left link itself is never used.
TEST(RouteTable, TheWayGivenUpBecomesTheAlternate) {
  forwarding::RouteTable t(30s, 90s);
  Instant t0{};
  t.learn(X, A, t0, 1);
  EXPECT_TRUE(t.learn(X, B, t0 + 10ms, 3));  // more hops left: B
  EXPECT_EQ(t.forget_via(B), 0u);
  EXPECT_EQ(t.lookup(X, t0 + 20ms), A);
  t.learn(X, B, t0 + 30ms, 3);  // B again, A the alternate
  EXPECT_EQ(t.forget_via(A), 0u);  // the alternate goes, the route stays
  EXPECT_EQ(t.forget_via(B), 1u);
}

// Round a loop of routers, copies of one packet arrive on both links: the
// route follows the copy with the most hops left, not the last one.
TEST(RouteTable, PrefersTheWayWithMostHopsLeft) {
  forwarding::RouteTable t(30s, 90s);
  Instant t0{};
  EXPECT_TRUE(t.learn(X, A, t0, 5));
  EXPECT_FALSE(t.learn(X, B, t0 + 1ms, 3));  // the long way round
  EXPECT_FALSE(t.learn(X, B, t0 + 2ms, 5));  // as short: no flapping
  EXPECT_EQ(t.lookup(X, t0 + 3ms), A);
  EXPECT_TRUE(t.learn(X, B, t0 + 4ms, 6));  // shorter
  EXPECT_EQ(t.lookup(X, t0 + 5ms), B);
  // Only longer ways are left through B (a router went): they keep the
  // route alive, and a way with more hops left through A wins again.
  EXPECT_FALSE(t.learn(X, B, t0 + 20s, 2));
  EXPECT_TRUE(t.expire(t0 + 31s).empty());
  EXPECT_FALSE(t.learn(X, A, t0 + 20s + 1ms, 2));  // no shorter than B
  EXPECT_TRUE(t.learn(X, A, t0 + 20s + 2ms, 4));
}

// When the short way goes silent (a router left), the longer one takes over.
TEST(RouteTable, LongerWayReplacesASilentShorterOne) {
  forwarding::RouteTable t(30s, 90s);
  Instant t0{};
  t.learn(X, A, t0, 5);
  EXPECT_FALSE(t.learn(X, B, t0 + 500ms, 3));
  EXPECT_TRUE(t.learn(X, B, t0 + forwarding::RouteTable::kShorterWayHold, 3));
  EXPECT_EQ(t.lookup(X, t0 + 2s), B);
}

TEST(RouteTable, SizeIsCappedByEvictingTheOldest) {
  forwarding::RouteTable t(30s, 90s);
  Instant t0{};
  for (std::uint64_t i = 0; i < forwarding::RouteTable::kMaxRoutes + 10; ++i)
    t.learn(Locator{1000 + i}, A, t0 + std::chrono::milliseconds(i), 3);
  EXPECT_EQ(t.routes().size(), forwarding::RouteTable::kMaxRoutes);
  EXPECT_FALSE(t.routes().contains(Locator{1000}));
  EXPECT_TRUE(t.routes().contains(Locator{1000 + forwarding::RouteTable::kMaxRoutes + 9}));
}

TEST(RouteTable, NextDeadlineNeverLiesLate) {
  forwarding::RouteTable t(30s, 90s);
  Instant t0{};
  t.learn(X, A, t0, 3);
  EXPECT_LE(t.next_deadline(), t0 + 30s);
  t.expire(t0 + 30s);
  EXPECT_EQ(t.next_deadline(), kNever);
}

}  // namespace
}  // namespace ilnp
