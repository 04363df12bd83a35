// Microbenchmarks of the codecs and the per-packet decision (issue 8), in ns
// per packet: what the core costs before any system call. Google Benchmark;
// run build-release/experiments/ilnp_bench_micro.
#include <benchmark/benchmark.h>

#include <chrono>

#include "ilnp/core/node/node.hpp"
#include "ilnp/core/wire/header.hpp"
#include "ilnp/core/wire/messages.hpp"

namespace {

using namespace ilnp;

constexpr Locator kA{0xa}, kB{0xb};
constexpr Nid kRouter{0xffff00000000000dULL}, kAlice{0xffff00000000000aULL}, kBob{0xffff00000000000bULL};
constexpr Port kPort = 1000;
constexpr std::size_t kDatagramSize = wire::kDefaultBufferSize;

// A full-size transport datagram from bob on b to alice on a.
wire::Buffer bob_to_alice() {
  wire::Header h;
  h.next_header = static_cast<std::uint8_t>(wire::NextHeader::transport);
  h.source = Ilv{kB, kBob};
  h.destination = Ilv{kA, kAlice};
  wire::Buffer data(kDatagramSize - wire::kHeaderSize - wire::kTransportHeaderSize, std::byte{0x5a});
  return wire::encode_packet(h, wire::encode_transport(kPort, kPort, data));
}

Node started_node(Nid nid, const char* hostname, std::vector<Locator> locators) {
  NodeConfig c;
  c.nid = nid;
  c.hostname = hostname;
  c.locator_cycle = {std::move(locators)};
  Node node(std::move(c), 1);
  node.start(Instant{});
  while (node.poll_action()) {
  }
  return node;
}

// Feeds a stream of datagrams at 1 us steps and drains the actions, as a
// driver does. Each carries a new sequence number in its first data bytes
// (a node forwards and delivers a byte-for-byte repeat only once).
void handle(benchmark::State& state, Node& node, Locator arrival, wire::Buffer datagram) {
  Instant now{};
  std::size_t actions = 0;
  std::uint64_t sequence = 0;
  constexpr auto kSequenceAt = wire::kHeaderSize + wire::kTransportHeaderSize;
  for (auto _ : state) {
    now += std::chrono::microseconds(1);
    ++sequence;
    for (std::size_t i = 0; i < 8; ++i) datagram[kSequenceAt + i] = static_cast<std::byte>(sequence >> (8 * i));
    node.handle_datagram(now, arrival, datagram);
    while (auto action = node.poll_action()) {
      benchmark::DoNotOptimize(*action);
      ++actions;
    }
  }
  if (actions != static_cast<std::size_t>(state.iterations())) state.SkipWithError("not one action per datagram");
  state.SetItemsProcessed(state.iterations());
}

void BM_DecodeHeader(benchmark::State& state) {
  auto datagram = bob_to_alice();
  for (auto _ : state) benchmark::DoNotOptimize(wire::decode_header(datagram));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeHeader);

void BM_DecodeDiscovery(benchmark::State& state) {
  auto payload = wire::encode_discovery(wire::Discovery{kBob, kB, false, "bob.example"});
  for (auto _ : state) benchmark::DoNotOptimize(wire::decode_discovery(payload));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeDiscovery);

// A router joined to a and b: the datagram goes out on a, hop limit - 1.
void BM_HandleDatagramForward(benchmark::State& state) {
  auto router = started_node(kRouter, "router", {kA, kB});
  handle(state, router, kB, bob_to_alice());
}
BENCHMARK(BM_HandleDatagramForward);

// alice on a with the port bound: one Deliver with the data.
void BM_HandleDatagramDeliver(benchmark::State& state) {
  auto alice = started_node(kAlice, "alice", {kA});
  alice.bind(kPort);
  handle(state, alice, kA, bob_to_alice());
}
BENCHMARK(BM_HandleDatagramDeliver);

}  // namespace

BENCHMARK_MAIN();
