// IP over the overlay in virtual time, with a stand-in for each TUN: bob
// pings alice's identifier address every 10 ms while alice moves a -> b -> c
// through a router without a TUN; alice's stand-in answers every request
// with a reply to bob. In a soft handoff no request and no reply is lost or
// arrives twice; in a hard one at most a few per move (in flight to the
// locator just left). Plain and sealed (section 13).
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "fixed_identity.hpp"
#include "ilnp/sim/simulator.hpp"
#include "ip_packets.hpp"

namespace ilnp {
namespace {

using namespace std::chrono_literals;
constexpr Locator A{0xa}, B{0xb}, C{0xc};
constexpr tun::IdentifierPrefix kPrefix{0xfd69'6c6e'7000'0000ULL};

using testing::fixed_identity;

struct Case {
  Duration handoff;
  bool sealed;
};

struct IpOverMoves : ::testing::TestWithParam<Case> {
  sim::Simulator s{11};
  std::size_t alice{}, router{}, bob{};
  Nid alice_nid, bob_nid;
  std::map<std::string, int> requests_at_alice, replies_at_bob;

  NodeConfig config(const char* name, std::vector<std::vector<Locator>> cycle, bool tun) {
    NodeConfig c;
    c.hostname = name;
    c.locator_cycle = std::move(cycle);
    c.move_time = 3s;
    c.handoff_time = GetParam().handoff;
    c.discovery_wait_time = 2s;
    c.security.secure = c.security.encrypt = GetParam().sealed;
    if (tun) c.ip_prefix = kPrefix;
    return c;
  }
  std::size_t add(const char* name, std::vector<std::vector<Locator>> cycle, bool tun, std::uint8_t seed,
                  Nid& nid) {
    auto c = config(name, std::move(cycle), tun);
    auto id = fixed_identity(seed);
    c.nid = nid = GetParam().sealed ? id.nid() : Nid{seed};
    return GetParam().sealed ? s.add_node(c, {}, id) : s.add_node(c);
  }
  static std::string body_of(const wire::Buffer& packet) {
    return std::string(wire::as_text(wire::Bytes(packet).subspan(tun::kIpv6HeaderSize)));
  }

  void SetUp() override {
    Nid router_nid;
    router = add("router", {{A, B, C}}, false, 0xd, router_nid);
    bob = add("bob", {{B}}, true, 0xb, bob_nid);
    alice = add("alice", {{A}, {B}, {C}}, true, 0xa, alice_nid);
    s.on_ip(alice, [this](const wire::Buffer& packet) {
      auto body = body_of(packet);
      ++requests_at_alice[body];
      // The reply leaves after this delivery, as a program's would.
      s.schedule(s.now(), [this, body] {
        s.send_ip(alice, testing::identifier_packet(kPrefix, alice_nid, bob_nid, wire::as_bytes("re " + body)));
      });
    });
    s.on_ip(bob, [this](const wire::Buffer& packet) { ++replies_at_bob[body_of(packet)]; });
    s.run_for(2500ms);  // discovery (and keys) before the first ping
  }
};

TEST_P(IpOverMoves, PingsAndRepliesCrossEveryMove) {
  std::size_t sent = 0;
  for (auto t = 0ms; t < 20s; t += 10ms) {
    auto seq = "ping " + std::to_string(sent);
    if (s.send_ip(bob, testing::identifier_packet(kPrefix, bob_nid, alice_nid, wire::as_bytes(seq))) ==
        SendStatus::sent)
      ++sent;
    s.run_for(10ms);
  }
  s.run_for(1s);
  EXPECT_EQ(sent, 2000u) << "bob could not send every ping";
  EXPECT_GE(s.node(alice).stats().moves, 6u);
  std::size_t duplicated = 0;
  for (const auto& [body, copies] : requests_at_alice) duplicated += copies - 1;
  for (const auto& [body, copies] : replies_at_bob) duplicated += copies - 1;
  EXPECT_EQ(duplicated, 0u);
  auto lost_requests = sent - requests_at_alice.size();
  auto lost_replies = requests_at_alice.size() - replies_at_bob.size();
  std::printf("handoff %s%s: %zu pings, %zu requests lost, %zu replies lost, %llu moves\n",
              GetParam().handoff == 0s ? "hard" : "soft", GetParam().sealed ? " sealed" : "", sent, lost_requests,
              lost_replies, static_cast<unsigned long long>(s.node(alice).stats().moves));
  if (GetParam().handoff == 0s) {
    EXPECT_LE(lost_requests + lost_replies, 3u * s.node(alice).stats().moves);
  } else {
    EXPECT_EQ(lost_requests, 0u);
    EXPECT_EQ(lost_replies, 0u);
  }
  std::size_t copies_at_bob = 0;
  for (const auto& [body, copies] : replies_at_bob) copies_at_bob += copies;
  EXPECT_EQ(s.node(bob).ip_peers().by_recency().at(0).second.packets_in, copies_at_bob);
}

INSTANTIATE_TEST_SUITE_P(Handoffs, IpOverMoves,
                         ::testing::Values(Case{1s, false}, Case{0s, false}, Case{1s, true}, Case{0s, true}),
                         [](const ::testing::TestParamInfo<Case>& param_info) {
                           return std::string(param_info.param.handoff == 0s ? "hard" : "soft") +
                                  (param_info.param.sealed ? "_sealed" : "_plain");
                         });

}  // namespace
}  // namespace ilnp
