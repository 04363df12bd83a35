// A mobile node moving a -> b -> c with a router on a,b,c and a correspondent
// on b, in virtual time: sessions survive every move in both directions.
#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "ilnp/sim/simulator.hpp"

namespace ilnp {
namespace {

using namespace std::chrono_literals;
constexpr Locator A{0xa}, B{0xb}, C{0xc};

NodeConfig node(std::uint64_t nid, const char* name, std::vector<std::vector<Locator>> cycle,
                Duration handoff = 10s) {
  NodeConfig c;
  c.nid = Nid{nid};
  c.hostname = name;
  c.locator_cycle = std::move(cycle);
  c.move_time = 20s;
  c.handoff_time = handoff;
  return c;
}

struct Flow {
  std::size_t sent{0};
  std::set<std::uint64_t> distinct;
  std::size_t copies{0};
};

// Streams numbered datagrams every 10 ms from `from` to `to_host` for `duration`.
Flow stream(sim::Simulator& s, std::size_t from, std::size_t to, const char* to_host, Duration duration) {
  Flow f;
  auto before = s.deliveries(to).size();
  for (auto t = 0ms; t < duration; t += 10ms) {
    auto seq = std::to_string(f.sent + 1);
    if (s.send_to_host(from, 1000, to_host, 1000, wire::as_bytes(seq)) == SendStatus::sent) ++f.sent;
    s.run_for(10ms);
  }
  s.run_for(1s);
  const auto& got = s.deliveries(to);
  for (auto i = before; i < got.size(); ++i) {
    f.distinct.insert(std::stoull(std::string(wire::as_text(got[i].data))));
    ++f.copies;
  }
  return f;
}

struct MobilityTest : ::testing::TestWithParam<Duration> {
  sim::Simulator s{7};
  std::size_t mn = s.add_node(node(0xa, "alice", {{A}, {B}, {C}}, GetParam()));
  std::size_t router = s.add_node(node(0xd, "router", {{A, B, C}}));
  std::size_t cn = s.add_node(node(0xb, "bob", {{B}}));
  void SetUp() override {
    s.node(mn).bind(1000);
    s.node(cn).bind(1000);
    s.run_for(1s);
  }
};

TEST_P(MobilityTest, CorrespondentToMobileSurvivesMoves) {
  auto f = stream(s, cn, mn, "alice", 115s);  // moves at 20, 40, 60, 80, 100 s
  EXPECT_EQ(s.node(mn).stats().moves, 5u);
  EXPECT_GE(s.node(mn).stats().updates_acknowledged, 5u);
  EXPECT_EQ(f.copies, f.distinct.size()) << "duplicates delivered";
  // Every datagram the correspondent could send arrived, but for at most a
  // couple per move in a hard handoff (in flight to the link just left).
  auto allowed_loss = GetParam() == 0s ? 5u * 2 : 0u;
  EXPECT_GE(f.distinct.size() + allowed_loss, f.sent);
  EXPECT_GE(f.sent, 11400u);
  EXPECT_EQ(s.node(mn).linked_locators().size(), 1u);
}

TEST_P(MobilityTest, MobileToCorrespondentSurvivesMoves) {
  auto f = stream(s, mn, cn, "bob", 115s);
  EXPECT_EQ(f.copies, f.distinct.size());
  EXPECT_EQ(f.distinct.size(), f.sent);
  EXPECT_GE(f.sent, 11400u);
}

TEST_P(MobilityTest, BothDirectionsAtOnceOverTwoFullCycles) {
  // The prototype's third experiment: both stream at 100 datagrams/s while
  // alice goes a -> b -> c -> a -> b -> c -> a (6 moves).
  std::size_t sent[2] = {0, 0};
  auto before_mn = s.deliveries(mn).size(), before_cn = s.deliveries(cn).size();
  for (auto t = 0ms; t < 125s; t += 10ms) {
    auto seq = std::to_string(sent[0] + 1);
    if (s.send_to_host(cn, 1000, "alice", 1000, wire::as_bytes(seq)) == SendStatus::sent) ++sent[0];
    seq = std::to_string(sent[1] + 1);
    if (s.send_to_host(mn, 1000, "bob", 1000, wire::as_bytes(seq)) == SendStatus::sent) ++sent[1];
    s.run_for(10ms);
  }
  s.run_for(1s);
  EXPECT_EQ(s.node(mn).stats().moves, 6u);
  auto lost_at_mn = sent[0] - (s.deliveries(mn).size() - before_mn);
  std::printf("handoff %s: CN->MN sent %zu lost %zu; MN->CN sent %zu lost %zu\n", GetParam() == 0s ? "hard" : "soft",
              sent[0], lost_at_mn, sent[1], sent[1] - (s.deliveries(cn).size() - before_cn));
  auto at_mn = s.deliveries(mn).size() - before_mn, at_cn = s.deliveries(cn).size() - before_cn;
  auto allowed_loss = GetParam() == 0s ? 6u * 2 : 0u;
  EXPECT_GE(at_mn + allowed_loss, sent[0]);
  EXPECT_LE(at_mn, sent[0]);  // no duplicates
  EXPECT_EQ(at_cn, sent[1]);
  EXPECT_GE(sent[0], 12400u);
}

INSTANTIATE_TEST_SUITE_P(SoftAndHard, MobilityTest, ::testing::Values(10s, 0s),
                         [](const auto& param_info) { return param_info.param == 0s ? "hard" : "soft"; });

TEST(Mobility, ScheduleFollowsThePrototype) {
  sim::Simulator s(1);
  auto mn = s.add_node(node(0xa, "alice", {{A}, {B}, {C}}));
  auto linked = [&] { return std::vector<Locator>(s.node(mn).linked_locators().begin(), s.node(mn).linked_locators().end()); };
  s.run_until(Instant{} + 19s);
  EXPECT_EQ(linked(), std::vector<Locator>({A}));
  s.run_until(Instant{} + 21s);
  EXPECT_EQ(linked(), std::vector<Locator>({A, B}));  // soft handoff overlap
  s.run_until(Instant{} + 31s);
  EXPECT_EQ(linked(), std::vector<Locator>({B}));
  s.run_until(Instant{} + 41s);
  EXPECT_EQ(linked(), std::vector<Locator>({B, C}));
  s.run_until(Instant{} + 61s);
  EXPECT_EQ(linked(), std::vector<Locator>({A, C}));  // the cycle wraps to a
}

TEST(Mobility, UnacknowledgedUpdatesAreRetriedThenGivenUp) {
  sim::Simulator s(1);
  auto mn = s.add_node(node(0xa, "alice", {{A}, {B}}));
  s.node(mn).bind(1000);
  s.run_for(1s);
  // A correspondent that is gone: data was sent to it, nobody will ack.
  (void)s.node(mn).send_to(s.now(), 1000, Ilv{A, Nid{0x77}}, 1000, wire::as_bytes("x"));
  s.run_until(Instant{} + 30s);
  EXPECT_EQ(s.node(mn).stats().updates_sent, 4u);  // 1 + loc_update_retries
  EXPECT_EQ(s.node(mn).stats().updates_given_up, 1u);
}

}  // namespace
}  // namespace ilnp
