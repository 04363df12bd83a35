// Hostname bindings: learning, freshest-first resolution, expiry, rebinding.
#include <gtest/gtest.h>

#include "ilnp/core/discovery/name_cache.hpp"
#include "ilnp/core/rng.hpp"

namespace ilnp {
namespace {

using namespace std::chrono_literals;
const Ilv kAliceA{Locator{0xa}, Nid{0xffff00000000000aULL}};
const Ilv kAliceB{Locator{0xb}, Nid{0xffff00000000000aULL}};

TEST(NameCache, ResolvesTheFreshestLiveBinding) {
  discovery::NameCache c(90s);
  Instant t0{};
  EXPECT_TRUE(c.learn("alice", kAliceA, t0));
  EXPECT_TRUE(c.learn("alice", kAliceB, t0 + 5s));
  EXPECT_FALSE(c.learn("alice", kAliceA, t0 + 6s));
  EXPECT_EQ(c.resolve("alice", t0 + 7s), kAliceA);
  EXPECT_EQ(c.name_of(kAliceB, t0 + 7s), "alice");
  EXPECT_FALSE(c.resolve("bob", t0));
}

TEST(NameCache, BindingsExpireAfterTtl) {
  discovery::NameCache c(90s);
  Instant t0{};
  c.learn("alice", kAliceA, t0);
  EXPECT_TRUE(c.resolve("alice", t0 + 89s));
  EXPECT_FALSE(c.resolve("alice", t0 + 90s));
  auto gone = c.expire(t0 + 90s);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].hostname, "alice");
  EXPECT_TRUE(c.hosts().empty());
  EXPECT_EQ(c.next_deadline(), kNever);
}

TEST(NameCache, RebindReplacesEveryLocatorOfTheHost) {
  discovery::NameCache c(90s);
  Instant t0{};
  c.learn("alice", kAliceA, t0);
  auto host = c.rebind(kAliceA.nid, {Locator{0xb}, Locator{0xc}}, t0 + 1s);
  EXPECT_EQ(host, "alice");
  EXPECT_FALSE(c.name_of(kAliceA, t0 + 2s));
  EXPECT_EQ(c.name_of(kAliceB, t0 + 2s), "alice");
  EXPECT_EQ(c.hosts().at("alice").size(), 2u);
  EXPECT_FALSE(c.rebind(Nid{42}, {Locator{1}}, t0));
}

TEST(NameCache, AnIlvClaimedByANewNameMovesToIt) {
  discovery::NameCache c(90s);
  c.learn("alice", kAliceA, Instant{});
  c.learn("mallory", kAliceA, Instant{} + 1s);
  EXPECT_FALSE(c.resolve("alice", Instant{} + 2s));
  EXPECT_EQ(c.name_of(kAliceA, Instant{} + 2s), "mallory");
}

TEST(NameCache, HostsAndBindingsAreCapped) {
  discovery::NameCache c(90s);
  Instant t0{};
  for (std::size_t i = 0; i < discovery::NameCache::kMaxHosts + 5; ++i)
    c.learn("h" + std::to_string(i), Ilv{Locator{1}, Nid{i + 1}}, t0 + std::chrono::milliseconds(i));
  EXPECT_EQ(c.hosts().size(), discovery::NameCache::kMaxHosts);
  EXPECT_FALSE(c.hosts().contains("h0"));
  for (std::uint64_t i = 0; i < 100; ++i) c.learn("many", Ilv{Locator{i}, Nid{7}}, t0 + 1s);
  EXPECT_EQ(c.hosts().at("many").size(), discovery::NameCache::kMaxBindingsPerHost);
}


// The NID index must answer exactly what a scan of every binding answers,
// whatever sequence of learns, claims, rebinds, expiries and evictions ran.
std::optional<Ilv> resolve_by_scan(const discovery::NameCache& c, Nid nid, Instant now, Duration ttl) {
  std::optional<Ilv> best;
  Instant best_seen{};
  for (const auto& [host, bindings] : c.hosts())
    for (const auto& b : bindings)
      if (b.ilv.nid == nid && now - b.seen < ttl && (!best || b.seen > best_seen)) best = b.ilv, best_seen = b.seen;
  return best;
}

TEST(NameCache, NidLookupsAgreeWithAScanAfterRandomOperations) {
  constexpr Duration kTtl = 30s;
  discovery::NameCache c(kTtl);
  Rng rng(7);
  Instant now{};
  auto pick = [&rng](std::uint64_t n) { return rng.next() % n; };
  for (int step = 0; step < 20000; ++step) {
    now += std::chrono::milliseconds(pick(500));
    auto host = "h" + std::to_string(pick(40));
    Ilv ilv{Locator{pick(6)}, Nid{pick(12)}};
    switch (pick(10)) {
      case 0: c.rebind(ilv.nid, {Locator{pick(6)}, Locator{pick(6)}}, now); break;
      case 1: c.expire(now); break;
      default: c.learn(host, ilv, now);
    }
    for (std::uint64_t nid = 0; nid < 12; ++nid) {
      auto scanned = resolve_by_scan(c, Nid{nid}, now, kTtl);
      ASSERT_EQ(c.resolve(Nid{nid}, now), scanned) << "step " << step << " nid " << nid;
      auto name = c.name_of(Nid{nid});
      bool bound = false;
      for (const auto& [h, bindings] : c.hosts())
        for (const auto& b : bindings) bound |= b.ilv.nid == Nid{nid};
      ASSERT_EQ(name.has_value(), bound) << "step " << step << " nid " << nid;
      if (name) {
        bool owns = false;
        for (const auto& b : c.hosts().at(*name)) owns |= b.ilv.nid == Nid{nid};
        ASSERT_TRUE(owns) << *name << " does not hold nid " << nid;
      }
    }
  }
}

}  // namespace
}  // namespace ilnp
