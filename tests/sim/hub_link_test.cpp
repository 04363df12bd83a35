// Hub-backed locators in the simulator (sim::HubRelay): a mobile node moving
// between hub locators keeps receiving, with loss and delay on every path; a
// NAT rebinding is survived (fast when the member sends, by the keepalive
// when it only listens); a replayed registration redirects nothing. Nodes
// are in secure mode: the hub takes signed registrations only.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "ilnp/sim/simulator.hpp"

namespace ilnp::test {
namespace {

using namespace std::chrono_literals;
constexpr Locator A{0xa}, B{0xb}, C{0xc};

NodeConfig node(const char* name, std::vector<std::vector<Locator>> cycle) {
  NodeConfig c;
  c.hostname = name;
  c.locator_cycle = std::move(cycle);
  c.move_time = 10s;
  c.handoff_time = 5s;
  c.discovery_wait_time = 2s;
  return c;
}

struct Stream {
  std::size_t sent{0};
  std::set<std::uint64_t> received;
  Duration longest_gap{0};
};

// Every hub locator of these tests: A, B and C on one hub.
struct HubWorld {
  HubWorld(sim::HubModel model) : hub(sim.add_hub({A, B, C}, std::move(model))) {}

  // A secure node whose key is seeded with `key_tag`, bound to port 1000.
  std::size_t add(NodeConfig config, std::uint8_t key_tag) {
    security::Seed seed{};
    seed.fill(std::byte{key_tag});
    auto identity = security::Identity::from_seed(seed);
    config.nid = identity.nid();
    config.security.secure = true;
    auto index = sim.add_node(std::move(config), {}, identity);
    deliveries.emplace_back();
    sim.on_deliver(index, [this, index](const Deliver& d) { deliveries[index].emplace_back(sim.now(), d); });
    (void)sim.node(index).bind(1000);
    return index;
  }

  sim::Simulator sim{11};
  sim::HubRelay& hub;
  std::vector<std::vector<std::pair<Instant, Deliver>>> deliveries;
};

// Numbered datagrams every 10 ms from `from` to host `to_name` for `duration`.
Stream stream(HubWorld& w, std::size_t from, std::size_t to, const char* to_name, Duration duration) {
  Stream s;
  auto before = w.deliveries[to].size();
  auto start = w.sim.now();
  for (auto t = 0ms; t < duration; t += 10ms) {
    auto seq = std::to_string(++s.sent);
    (void)w.sim.send_to_host(from, 1000, to_name, 1000, wire::as_bytes(seq));
    w.sim.run_for(10ms);
  }
  w.sim.run_for(1s);
  const auto& got = w.deliveries[to];
  auto previous = start;  // an outage at the start counts too
  for (auto i = before; i < got.size(); ++i) {
    s.received.insert(std::stoull(std::string(wire::as_text(got[i].second.data))));
    s.longest_gap = std::max(s.longest_gap, got[i].first - previous);
    previous = got[i].first;
  }
  return s;
}

struct HubWorldTest : ::testing::Test {
  static constexpr std::size_t alice = 0, bob = 1;
  static sim::HubModel model(Duration delay, double loss, hub::MemberConfig member = {.keepalive = 5s}) {
    return {.delay = delay, .loss = loss, .hub = {}, .member = member};
  }
  // alice and bob on hub locator A, 5 ms from the hub, registered and discovered.
  static std::unique_ptr<HubWorld> pair_on_a(hub::MemberConfig member = {.keepalive = 5s}) {
    auto w = std::make_unique<HubWorld>(model(5ms, 0, member));
    w->add(node("alice", {{A}}), 1);
    w->add(node("bob", {{A}}), 3);
    w->sim.run_for(3s);
    return w;
  }
};

TEST_F(HubWorldTest, AMobileNodeKeepsReceivingAcrossHubLocatorsWithLossAndDelay) {
  HubWorld w(model(5ms, 0.01));
  auto mobile = w.add(node("alice", {{A}, {B}, {C}}), 1);
  w.add(node("router", {{A, B, C}}), 2);
  auto correspondent = w.add(node("bob", {{B}}), 3);
  w.sim.run_for(3s);
  EXPECT_EQ(w.hub.table().member_count(), 5u);  // a, b, c (router) + a (alice) + b (bob)
  auto s = stream(w, correspondent, mobile, "alice", 35s);  // alice moves three times
  // 1% loss each way on each of up to three hops: most, not all, arrive.
  EXPECT_GT(s.received.size(), s.sent * 9 / 10) << s.received.size() << " of " << s.sent;
  // A lost locator update is retried after loc_update_retry_wait_time (1 s).
  EXPECT_LT(s.longest_gap, 2500ms);
  EXPECT_GT(w.hub.table().counters().unicast, 0u);
}

TEST_F(HubWorldTest, ASenderBehindARebindingNatIsRelearnedWithinARoundTrip) {
  auto w = pair_on_a();
  auto before = stream(*w, alice, bob, "bob", 2s);
  EXPECT_EQ(before.received.size(), before.sent);
  auto old_endpoint = w->hub.endpoint(alice);
  w->hub.rebind(alice, 51000);
  auto after = stream(*w, alice, bob, "bob", 3s);
  // The hub drops alice's first frame from the new port and says so; she
  // registers again at once: a few datagrams lost, not a keepalive's worth.
  EXPECT_GT(after.received.size(), after.sent - 10) << after.received.size() << " of " << after.sent;
  EXPECT_LT(after.longest_gap, 100ms);
  EXPECT_EQ(w->hub.table().counters().rebinds, 1u);
  EXPECT_GE(w->hub.member(alice).counters().notices, 1u);
  EXPECT_NE(w->hub.endpoint(alice), old_endpoint);
}

TEST_F(HubWorldTest, AListenerBehindARebindingNatIsRelearnedAtItsNextKeepalive) {
  auto w = pair_on_a({.keepalive = 2s});
  (void)stream(*w, bob, alice, "alice", 1s);  // bob learns alice's route
  w->hub.rebind(alice, 52000);
  auto after = stream(*w, bob, alice, "alice", 5s);
  // Frames to the old mapping are lost until alice's keepalive re-teaches the hub.
  EXPECT_GT(after.received.size(), after.sent / 2);
  EXPECT_LE(after.longest_gap, 2s + 100ms);
  EXPECT_GT(after.longest_gap, 100ms);
  EXPECT_EQ(w->hub.table().counters().rebinds, 1u);
}

TEST_F(HubWorldTest, AReplayedRegistrationFromAnotherAddressRedirectsNothing) {
  auto w = pair_on_a();
  ASSERT_FALSE(w->hub.registrations_seen().empty());
  auto captured = w->hub.registrations_seen().front();  // alice's or bob's first
  hub::Endpoint mallory;
  mallory.address[15] = 66;
  mallory.port = 6666;
  auto unverified = w->hub.table().counters().unverified;
  w->hub.inject(w->sim.now(), mallory, captured);
  w->sim.run_for(100ms);
  auto s = stream(*w, bob, alice, "alice", 2s);
  EXPECT_EQ(s.received.size(), s.sent);
  // Its cookie (if any) is for alice's or bob's address, not mallory's: stopped
  // before the signature or the timestamp are even looked at.
  EXPECT_EQ(w->hub.table().counters().unverified, unverified + 1);
  EXPECT_EQ(w->hub.table().counters().rebinds, 0u);
}

}  // namespace
}  // namespace ilnp::test
