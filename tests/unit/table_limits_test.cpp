// Caps, expiry and eviction of the peer-key table, the token buckets that
// bound answers and relays, and the confirm-only route rule; injected time.
#include <gtest/gtest.h>

#include "ilnp/core/forwarding/route_table.hpp"
#include "ilnp/core/forwarding/token_bucket.hpp"
#include "ilnp/core/security/peer_keys.hpp"

namespace ilnp {
namespace {

using namespace std::chrono_literals;
using security::PeerKeys;

security::PublicKey key(std::uint64_t n) {
  security::PublicKey k{};
  for (std::size_t i = 0; i < 8; ++i) k[i] = static_cast<std::byte>(n >> (8 * i));
  return k;
}

TEST(PeerKeys, AFloodOfStrangersCannotLockOutANewcomer) {
  PeerKeys t(90s);
  Instant t0{};
  for (std::uint64_t i = 0; i < PeerKeys::kMaxPeers + 2000; ++i) ASSERT_TRUE(t.learn(Nid{i + 1}, key(i), t0));
  EXPECT_EQ(t.size(), PeerKeys::kMaxPeers);
  EXPECT_TRUE(t.learn(Nid{0xbeef}, key(0xbeef), t0 + 1s));  // the genuine node after the flood
  EXPECT_TRUE(t.key_of(Nid{0xbeef}));
}

TEST(PeerKeys, PeersWeTalkedToAreNeverEvictedForAStranger) {
  PeerKeys t(90s);
  Instant t0{};
  ASSERT_TRUE(t.learn(Nid{1}, key(1), t0));
  t.talked_to(Nid{1}, t0);
  for (std::uint64_t i = 2; i < 3000; ++i) ASSERT_TRUE(t.learn(Nid{i}, key(i), t0 + 1s));
  EXPECT_TRUE(t.key_of(Nid{1}));
  EXPECT_TRUE(t.is_talked_to(Nid{1}));
  EXPECT_GT(t.evicted(), 0u);
}

TEST(PeerKeys, EvictsTheLeastRecentlyUsefulStranger) {
  PeerKeys t(90s);
  Instant t0{};
  for (std::uint64_t i = 0; i < PeerKeys::kMaxPeers; ++i) ASSERT_TRUE(t.learn(Nid{i + 1}, key(i), t0 + 1s));
  t.used(Nid{1}, t0 + 5s);
  ASSERT_TRUE(t.learn(Nid{2}, key(2), t0 + 5s));  // refreshed by its advertisement
  ASSERT_TRUE(t.learn(Nid{5000}, key(5000), t0 + 6s));
  EXPECT_TRUE(t.key_of(Nid{1}));
  EXPECT_TRUE(t.key_of(Nid{2}));
  EXPECT_EQ(t.size(), PeerKeys::kMaxPeers);
  EXPECT_EQ(t.evicted(), 1u);
}

TEST(PeerKeys, FullOfPeersWeTalkedToRefusesNewcomers) {
  PeerKeys t(90s);
  Instant t0{};
  for (std::uint64_t i = 0; i < PeerKeys::kMaxPeers; ++i) {
    ASSERT_TRUE(t.learn(Nid{i + 1}, key(i), t0));
    t.talked_to(Nid{i + 1}, t0);
  }
  EXPECT_FALSE(t.learn(Nid{5000}, key(5000), t0));
  // ...until they lapse: nothing is kept forever.
  EXPECT_EQ(t.expire(t0 + 90s), PeerKeys::kMaxPeers);
  EXPECT_TRUE(t.learn(Nid{5000}, key(5000), t0 + 90s));
}

TEST(PeerKeys, KeysLapseTtlAfterTheyWereLastUseful) {
  PeerKeys t(30s);
  Instant t0{};
  ASSERT_TRUE(t.learn(Nid{1}, key(1), t0));
  ASSERT_TRUE(t.learn(Nid{2}, key(2), t0));
  t.used(Nid{2}, t0 + 20s);
  EXPECT_EQ(t.expire(t0 + 29s), 0u);
  EXPECT_EQ(t.expire(t0 + 30s), 1u);
  EXPECT_FALSE(t.key_of(Nid{1}));
  EXPECT_TRUE(t.key_of(Nid{2}));
  EXPECT_EQ(t.expire(t0 + 50s), 1u);
  EXPECT_EQ(t.size(), 0u);
}

TEST(TokenBucket, BurstThenRate) {
  forwarding::TokenBucket b(10, 20);
  Instant t0{};
  int taken = 0;
  for (int i = 0; i < 100; ++i) taken += b.take(t0) ? 1 : 0;
  EXPECT_EQ(taken, 20);
  EXPECT_FALSE(b.take(t0 + 50ms));
  EXPECT_TRUE(b.take(t0 + 100ms));
  EXPECT_FALSE(b.take(t0 + 100ms));
  // A long silence refills up to the burst, not more.
  taken = 0;
  for (int i = 0; i < 100; ++i) taken += b.take(t0 + 1h) ? 1 : 0;
  EXPECT_EQ(taken, 20);
}

TEST(TokenBucket, TimeGoingBackRefillsNothing) {
  forwarding::TokenBucket b(10, 1);
  Instant t0 = Instant{} + 10s;
  EXPECT_TRUE(b.take(t0));
  EXPECT_FALSE(b.take(t0 - 5s));
  EXPECT_FALSE(b.take(t0));
  EXPECT_TRUE(b.take(t0 + 100ms));
}

TEST(LinkBudgets, OneBucketPerLinkAndACountOfRefusals) {
  forwarding::LinkBudgets budgets(1, 2);
  Instant t0{};
  EXPECT_TRUE(budgets.take(Locator{1}, t0));
  EXPECT_TRUE(budgets.take(Locator{1}, t0));
  EXPECT_FALSE(budgets.take(Locator{1}, t0));
  EXPECT_TRUE(budgets.take(Locator{2}, t0));  // another link has its own budget
  EXPECT_EQ(budgets.refused(), 1u);
  // Past the cap, extra links share one bucket instead of growing the table.
  for (std::uint64_t l = 3; l < 3 + forwarding::LinkBudgets::kMaxLinks; ++l) (void)budgets.take(Locator{l}, t0);
  int shared = 0;
  for (std::uint64_t l = 1000; l < 1010; ++l) shared += budgets.take(Locator{l}, t0) ? 1 : 0;
  EXPECT_LE(shared, 2);
}

TEST(RouteTable, ConfirmNeverCreatesNorMovesARoute) {
  forwarding::RouteTable t(30s, 90s);
  Instant t0{};
  constexpr Locator A{0xa}, B{0xb}, X{0x99};
  EXPECT_FALSE(t.confirm(X, A, t0));
  EXPECT_TRUE(t.routes().empty());
  ASSERT_TRUE(t.learn(X, A, t0, 3));
  EXPECT_FALSE(t.confirm(X, B, t0 + 20s));
  EXPECT_EQ(t.lookup(X, t0 + 20s), A);
  EXPECT_TRUE(t.confirm(X, A, t0 + 20s));  // keeps it alive past the first ttl
  t.expire(t0 + 40s);
  ASSERT_EQ(t.routes().count(X), 1u);
  EXPECT_EQ(t.routes().at(X).via, A);
}

}  // namespace
}  // namespace ilnp
