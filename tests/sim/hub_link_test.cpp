// Hub-backed locators in virtual time (hub_world.hpp): a mobile node moving
// between hub locators keeps receiving, with loss and delay on every path; a
// NAT rebinding is survived (fast when the member sends, by the keepalive
// when it only listens); a replayed registration redirects nothing.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "hub_world.hpp"

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

// Numbered datagrams every 10 ms from `from` to host `to_name` for `duration`.
Stream stream(HubWorld& w, std::size_t from, std::size_t to, const char* to_name, Duration duration) {
  Stream s;
  auto before = w.deliveries(to).size();
  auto start = w.now();
  for (auto t = 0ms; t < duration; t += 10ms) {
    auto seq = std::to_string(++s.sent);
    (void)w.node(from).send_to_host(w.now(), 1000, to_name, 1000, wire::as_bytes(seq));
    w.settle(from);
    w.run_for(10ms);
  }
  w.run_for(1s);
  const auto& got = w.deliveries(to);
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
  HubWorld make(PathModel path, hub::MemberConfig member = {.keepalive = 5s}) {
    return HubWorld(11, path, hub::HubConfig{}, member);
  }
  // alice and bob on hub locator A, 5 ms from the hub, registered and discovered.
  HubWorld pair_on_a(hub::MemberConfig member = {.keepalive = 5s}) {
    auto w = make({.loss = 0, .delay = 5ms}, member);
    w.add_host(node("alice", {{A}}), 1);
    w.add_host(node("bob", {{A}}), 3);
    w.node(bob).bind(1000);
    w.node(alice).bind(1000);
    w.start();
    w.run_for(3s);
    return w;
  }
};

TEST_F(HubWorldTest, AMobileNodeKeepsReceivingAcrossHubLocatorsWithLossAndDelay) {
  auto w = make({.loss = 0.01, .delay = 5ms});
  auto mobile = w.add_host(node("alice", {{A}, {B}, {C}}), 1);
  w.add_host(node("router", {{A, B, C}}), 2);
  auto correspondent = w.add_host(node("bob", {{B}}), 3);
  w.node(mobile).bind(1000);
  w.node(correspondent).bind(1000);
  w.start();
  w.run_for(3s);
  EXPECT_EQ(w.hub().member_count(), 5u);  // a, b, c (router) + a (alice) + b (bob)
  auto s = stream(w, correspondent, mobile, "alice", 35s);  // alice moves three times
  // 1% loss each way on each of up to three hops: most, not all, arrive.
  EXPECT_GT(s.received.size(), s.sent * 9 / 10) << s.received.size() << " of " << s.sent;
  // A lost locator update is retried after loc_update_retry_wait_time (1 s).
  EXPECT_LT(s.longest_gap, 2500ms);
  EXPECT_GT(w.hub().counters().unicast, 0u);
}

TEST_F(HubWorldTest, ASenderBehindARebindingNatIsRelearnedWithinARoundTrip) {
  auto w = pair_on_a();
  auto before = stream(w, alice, bob, "bob", 2s);
  EXPECT_EQ(before.received.size(), before.sent);
  auto old_endpoint = w.endpoint(alice);
  w.rebind(alice, 51000);
  auto after = stream(w, alice, bob, "bob", 3s);
  // The hub drops alice's first frame from the new port and says so; she
  // registers again at once: a few datagrams lost, not a keepalive's worth.
  EXPECT_GT(after.received.size(), after.sent - 10) << after.received.size() << " of " << after.sent;
  EXPECT_LT(after.longest_gap, 100ms);
  EXPECT_EQ(w.hub().counters().rebinds, 1u);
  EXPECT_GE(w.member(alice).counters().notices, 1u);
  EXPECT_NE(w.endpoint(alice), old_endpoint);
}

TEST_F(HubWorldTest, AListenerBehindARebindingNatIsRelearnedAtItsNextKeepalive) {
  auto w = pair_on_a({.keepalive = 2s});
  (void)stream(w, bob, alice, "alice", 1s);  // bob learns alice's route
  w.rebind(alice, 52000);
  auto after = stream(w, bob, alice, "alice", 5s);
  // Frames to the old mapping are lost until alice's keepalive re-teaches the hub.
  EXPECT_GT(after.received.size(), after.sent / 2);
  EXPECT_LE(after.longest_gap, 2s + 100ms);
  EXPECT_GT(after.longest_gap, 100ms);
  EXPECT_EQ(w.hub().counters().rebinds, 1u);
}

TEST_F(HubWorldTest, AReplayedRegistrationFromAnotherAddressRedirectsNothing) {
  auto w = pair_on_a();
  ASSERT_FALSE(w.registrations_seen().empty());
  auto captured = w.registrations_seen().front();  // alice's or bob's first
  hub::Endpoint mallory;
  mallory.address[15] = 66;
  mallory.port = 6666;
  auto unverified = w.hub().counters().unverified;
  w.inject(mallory, captured);
  w.run_for(100ms);
  auto s = stream(w, bob, alice, "alice", 2s);
  EXPECT_EQ(s.received.size(), s.sent);
  // Its cookie (if any) is for alice's or bob's address, not mallory's: stopped
  // before the signature or the timestamp are even looked at.
  EXPECT_EQ(w.hub().counters().unverified, unverified + 1);
  EXPECT_EQ(w.hub().counters().rebinds, 0u);
}

}  // namespace
}  // namespace ilnp::test
