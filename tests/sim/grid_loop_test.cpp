// A grid of multicast segments with a router between each pair of
// neighbours (scripts/gen-grid-topo's shape): every cycle of four routers is
// a loop. A datagram from one corner to the other must be delivered once and
// cost a bounded number of transmissions, not one per path through the grid.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>

#include "ilnp/core/wire/header.hpp"
#include "ilnp/sim/simulator.hpp"

namespace ilnp {
namespace {

using namespace std::chrono_literals;

constexpr Port kPort = 1000;
constexpr Nid kSender{0xffff000300000000ULL}, kReceiver{0xffff000300000001ULL};

Locator network(int r, int c) { return Locator{(std::uint64_t(r + 1) << 16) | std::uint64_t(c + 1)}; }

NodeConfig node(Nid nid, std::string name, std::vector<Locator> locators, int hop_limit) {
  NodeConfig c;
  c.nid = nid;
  c.hostname = std::move(name);
  c.locator_cycle = {std::move(locators)};
  c.hop_limit = static_cast<std::uint8_t>(hop_limit);
  return c;
}

struct GridRun {
  std::size_t routers{0};
  std::size_t sent{0};
  std::map<std::string, std::size_t> deliveries;     // per datagram
  std::map<std::string, std::size_t> transmissions;  // per datagram, the sender's included
  std::uint64_t duplicate_forwards{0};
};

// A rows x cols grid, a sender on the first network and a receiver on the
// last; the hop limit covers the grid's diameter as gen-grid-topo's does.
GridRun run_grid(int rows, int cols, int datagrams) {
  sim::Simulator s(3);
  GridRun run;
  int hops = rows + cols + 2;
  std::vector<std::size_t> routers;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      auto nid = [&](int tag) { return Nid{0xffff000100000000ULL | std::uint64_t(r) << 16 | std::uint64_t(2 * c + tag)}; };
      if (c + 1 < cols)
        routers.push_back(s.add_node(node(nid(0), "rh", {network(r, c), network(r, c + 1)}, hops)));
      if (r + 1 < rows)
        routers.push_back(s.add_node(node(nid(1), "rv", {network(r, c), network(r + 1, c)}, hops)));
    }
  run.routers = routers.size();
  auto sender = s.add_node(node(kSender, "sender", {network(0, 0)}, hops));
  auto receiver = s.add_node(node(kReceiver, "receiver", {network(rows - 1, cols - 1)}, hops));
  s.node(receiver).bind(kPort);
  s.on_deliver(receiver, [&](const Deliver& d) { ++run.deliveries[std::string(wire::as_text(d.data))]; });
  s.on_transmit([&](Instant, std::size_t, Locator, const wire::Buffer& bytes) {
    auto h = wire::decode_header(bytes);
    if (!h || h->source.nid != kSender || h->next_header != static_cast<std::uint8_t>(wire::NextHeader::transport))
      return;
    auto payload = wire::Bytes(bytes).subspan(wire::kHeaderSize + wire::kTransportHeaderSize);
    ++run.transmissions[std::string(wire::as_text(payload))];
  });
  s.run_for(2s);  // discovery floods the grid: routes and names everywhere
  for (int i = 0; i < datagrams; ++i) {
    auto text = "datagram " + std::to_string(i);
    if (s.send_to_host(sender, kPort, "receiver", kPort, wire::as_bytes(text)) == SendStatus::sent) ++run.sent;
    s.run_for(100ms);
  }
  s.run_for(1s);
  for (auto r : routers) run.duplicate_forwards += s.node(r).stats().dropped(DropReason::duplicate_forward);
  return run;
}

void expect_once_each(const GridRun& run, int datagrams) {
  EXPECT_EQ(run.sent, static_cast<std::size_t>(datagrams));
  EXPECT_EQ(run.deliveries.size(), run.sent) << "datagrams lost";
  for (const auto& [text, n] : run.deliveries) EXPECT_EQ(n, 1u) << text << " delivered " << n << " times";
  // Each router forwards a datagram at most once: the sender's transmission
  // plus one per router is the most a datagram may cost.
  std::size_t most = 0;
  for (const auto& [text, n] : run.transmissions) {
    EXPECT_LE(n, 1 + run.routers) << text << " transmitted " << n << " times";
    most = std::max(most, n);
  }
  std::printf("%zu routers: at most %zu transmissions per datagram\n", run.routers, most);
}

TEST(GridLoops, ThreeByThreeDeliversEachDatagramOnce) {
  auto run = run_grid(3, 3, 20);
  expect_once_each(run, 20);
  EXPECT_GT(run.duplicate_forwards, 0u) << "no loop copies reached a router: the grid has no loops?";
}

TEST(GridLoops, FourByFourDeliversEachDatagramOnce) {
  auto run = run_grid(4, 4, 20);
  expect_once_each(run, 20);
}

}  // namespace
}  // namespace ilnp
