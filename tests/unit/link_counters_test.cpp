// Per-locator counters: a router's traffic shows up on the right locators,
// per-locator sums equal the node's totals, and the table's cap holds.
#include <gtest/gtest.h>

#include "ilnp/core/node/node.hpp"

namespace ilnp {
namespace {

constexpr Locator A{0xa}, B{0xb};
constexpr Nid kRouter{0xffff00000000000dULL}, kAlice{0xffff00000000000aULL}, kBob{0xffff00000000000bULL};

// `text` tells datagrams apart (a router forwards identical copies once);
// every text here has 6 bytes, so every datagram has the same size.
wire::Buffer transport(Ilv from, Ilv to, std::uint8_t hop_limit = 3, std::string_view text = "hello!") {
  wire::Header h;
  h.source = from;
  h.destination = to;
  h.next_header = static_cast<std::uint8_t>(wire::NextHeader::transport);
  h.hop_limit = hop_limit;
  return wire::encode_packet(h, wire::encode_transport(1, 2, wire::as_bytes(text)));
}

const LinkTraffic* traffic_on(const Node& n, Locator l) {
  const auto& links = n.link_counters();
  for (std::size_t i = 0; i < links.locators().size(); ++i)
    if (links.locators()[i] == l) return &links.traffic(i);
  return nullptr;
}

TEST(LinkCounters, ARoutersTrafficIsCountedOnTheLocatorsItCrosses) {
  NodeConfig c;
  c.nid = kRouter;
  c.hostname = "router";
  c.locator_cycle = {{A, B}};
  Node router(c, 1);
  Instant now{};
  router.start(now);
  router.handle_timeout(now);  // solicitations, one per locator
  constexpr int kThrough = 7;
  const auto datagram = transport(Ilv{A, kAlice}, Ilv{B, kBob});
  for (int i = 0; i < kThrough; ++i)
    router.handle_datagram(now, A, transport(Ilv{A, kAlice}, Ilv{B, kBob}, 3, "hello" + std::to_string(i)));
  router.handle_datagram(now, B, transport(Ilv{B, kBob}, Ilv{B, kAlice}));     // same link: dropped on B
  router.handle_datagram(now, A, transport(Ilv{A, kAlice}, Ilv{B, kBob}, 0));  // hop limit 0: dropped on A
  while (router.poll_action()) {
  }

  const auto* a = traffic_on(router, A);
  const auto* b = traffic_on(router, B);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->datagrams_in, kThrough + 1u);
  EXPECT_EQ(a->bytes_in, (kThrough + 1u) * datagram.size());
  EXPECT_EQ(a->forwarded, 0u);
  EXPECT_EQ(b->datagrams_in, 1u);
  EXPECT_EQ(b->forwarded, static_cast<std::uint64_t>(kThrough));
  EXPECT_EQ(b->bytes_forwarded, kThrough * datagram.size());
  EXPECT_EQ(b->datagrams_out, kThrough + 1u);  // + its solicitation
  EXPECT_EQ(a->datagrams_out, 1u);             // its solicitation
  EXPECT_EQ(b->drops[static_cast<std::size_t>(DropReason::same_link)], 1u);
  EXPECT_EQ(a->drops[static_cast<std::size_t>(DropReason::same_link)], 0u);
  EXPECT_EQ(a->drops[static_cast<std::size_t>(DropReason::hop_limit_exceeded)], 1u);

  // The per-locator figures add up to the node's totals.
  LinkTraffic sum;
  const auto& links = router.link_counters();
  for (std::size_t i = 0; i < links.locators().size(); ++i) {
    const auto& t = links.traffic(i);
    sum.datagrams_in += t.datagrams_in;
    sum.bytes_in += t.bytes_in;
    sum.datagrams_out += t.datagrams_out;
    sum.bytes_out += t.bytes_out;
    sum.forwarded += t.forwarded;
    for (std::size_t r = 0; r < kDropReasonCount; ++r) sum.drops[r] += t.drops[r];
  }
  const auto& s = router.stats();
  EXPECT_EQ(sum.datagrams_in, s.datagrams_in);
  EXPECT_EQ(sum.bytes_in, s.bytes_in);
  EXPECT_EQ(sum.datagrams_out, s.datagrams_out);
  EXPECT_EQ(sum.bytes_out, s.bytes_out);
  EXPECT_EQ(sum.forwarded, s.forwarded);
  EXPECT_EQ(sum.drops, s.drops);  // every drop here had an arrival locator
}

TEST(LinkCounters, PastTheCapLocatorsShareTheOverflowEntry) {
  LinkCounters links;
  for (std::uint64_t i = 1; i <= LinkCounters::kMaxLocators + 3; ++i) links.on(Locator{i}).count_in(10);
  EXPECT_EQ(links.locators().size(), LinkCounters::kMaxLocators);
  EXPECT_TRUE(links.overflowed());
  EXPECT_EQ(links.overflow().datagrams_in, 3u);
  links.on(Locator{1}).count_in(10);  // an existing entry still counts on its own
  EXPECT_EQ(links.traffic(0).datagrams_in, 2u);
  EXPECT_EQ(links.overflow().datagrams_in, 3u);
}

}  // namespace
}  // namespace ilnp
