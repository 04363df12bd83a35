// Many core Nodes in virtual time over simulated multicast segments (one per
// locator). Deterministic: same seed and inputs, same trace hash. Ties break
// by sequence number, never by container order.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <vector>

#include "ilnp/core/node/node.hpp"
#include "ilnp/core/rng.hpp"

namespace ilnp::sim {

struct LinkModel {
  Duration delay{std::chrono::microseconds(200)};
  double loss{0.0};  // probability a receiver misses a datagram
};

class Simulator {
 public:
  explicit Simulator(std::uint64_t seed, LinkModel model = {});

  // Adds a node; it is started at the current virtual time.
  std::size_t add_node(NodeConfig config, Logger logger = {});
  [[nodiscard]] Node& node(std::size_t index) { return *nodes_.at(index).node; }
  [[nodiscard]] Instant now() const { return now_; }

  // Runs every event up to and including `until`.
  void run_until(Instant until);
  void run_for(Duration d) { run_until(now_ + d); }

  // Application sends, performed at the current virtual time.
  SendStatus send_to_host(std::size_t from, Port source_port, const std::string& host, Port port, wire::Bytes data);

  // Every Deliver a node produced, in order.
  [[nodiscard]] const std::vector<Deliver>& deliveries(std::size_t index) const { return nodes_.at(index).delivered; }
  // A hash over every transmission (time, sender, locator, bytes).
  [[nodiscard]] std::uint64_t trace_hash() const { return trace_hash_; }
  [[nodiscard]] std::uint64_t transmissions() const { return transmissions_; }

 private:
  struct SimNode {
    std::unique_ptr<Node> node;
    std::set<Locator> joined;
    std::vector<Deliver> delivered;
  };
  struct Arrival {
    Instant at;
    std::uint64_t sequence;
    std::size_t to;
    Locator link;
    std::shared_ptr<const wire::Buffer> bytes;
    bool operator>(const Arrival& o) const { return std::tie(at, sequence) > std::tie(o.at, o.sequence); }
  };

  void drain(std::size_t index);
  void record(std::size_t from, Locator link, const wire::Buffer& bytes);

  LinkModel model_;
  Rng rng_;
  Instant now_{};
  std::vector<SimNode> nodes_;
  std::priority_queue<Arrival, std::vector<Arrival>, std::greater<>> arrivals_;
  std::uint64_t sequence_{0};
  std::uint64_t trace_hash_{0xcbf29ce484222325ULL};
  std::uint64_t transmissions_{0};
};

}  // namespace ilnp::sim
