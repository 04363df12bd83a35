// Many core Nodes in virtual time over simulated multicast segments (one per
// locator) and relay hubs (the locators added with add_hub). Deterministic:
// same seed and inputs, same trace hash. Ties break by sequence number, never
// by container order.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <vector>

#include "ilnp/core/node/node.hpp"
#include "ilnp/core/rng.hpp"
#include "ilnp/sim/hub_relay.hpp"

namespace ilnp::sim {

// The shared segment: every datagram takes `delay`, every receiver misses it
// with probability `loss`.
struct LinkModel {
  Duration delay{std::chrono::microseconds(200)};
  double loss{0.0};  // probability a receiver misses a datagram
};

// One direction of one node's attachment to the LAN, as tc netem shapes it:
// a fixed delay plus normally distributed jitter (standard deviation
// `jitter`, never below zero), a loss probability, and a rate limit (bits per
// second; 0 = none) with a queue of at most kQueueLimit datagrams.
struct LinkConditions {
  static constexpr std::size_t kQueueLimit = 1000;  // netem's default limit
  Duration delay{0};
  Duration jitter{0};
  double loss{0.0};
  std::uint64_t rate_bps{0};
  [[nodiscard]] bool ideal() const { return delay == Duration{0} && jitter == Duration{0} && loss == 0 && rate_bps == 0; }
};
// `out` acts once on what the node sends (before every receiver), `in` on
// each copy the node receives.
struct NodeLink {
  LinkConditions out;
  LinkConditions in;
};

struct SimCounters {
  std::uint64_t lost_out{0};       // dropped by a sender's out conditions
  std::uint64_t lost_in{0};        // dropped by a receiver's in conditions or the segment
  std::uint64_t queue_drops{0};    // rate-limit queue full
  std::uint64_t missed_left{0};    // arrived after the receiver left the group
  std::uint64_t link_down{0};      // sent or arriving on a node's link that is down
};

class Simulator {
 public:
  explicit Simulator(std::uint64_t seed, LinkModel model = {});

  // Adds a node; it is started at the current virtual time.
  std::size_t add_node(NodeConfig config, Logger logger = {}, std::optional<security::Identity> identity = {});
  [[nodiscard]] Node& node(std::size_t index) { return *nodes_.at(index).node; }
  [[nodiscard]] std::size_t size() const { return nodes_.size(); }
  [[nodiscard]] Instant now() const { return now_; }
  void set_link(std::size_t index, NodeLink link) { nodes_.at(index).link = link; }

  // `locators` are carried by one relay hub instead of multicast segments
  // (add it before the nodes that join them). Nodes register with it signed
  // by their identity (secure mode) or unsigned. The reference stays valid.
  HubRelay& add_hub(std::vector<Locator> locators, HubModel model = {});

  // Runs every event up to and including `until`.
  void run_until(Instant until);
  void run_for(Duration d) { run_until(now_ + d); }

  // Application sends, performed at the current virtual time.
  SendStatus send_to_host(std::size_t from, Port source_port, const std::string& host, Port port, wire::Bytes data);
  // A packet the node's TUN would have read (the node needs an ip_prefix).
  SendStatus send_ip(std::size_t from, wire::Bytes packet);
  // Calls `fn` at virtual time `at` (not before now), after the datagrams
  // that arrive at the same instant and before the nodes' timers.
  void schedule(Instant at, std::function<void()> fn);
  // The node's link to `locator` goes down or comes back (a cable pulled): while
  // down nothing it sends there leaves and nothing arrives; the node is told
  // (Node::link_changed), as the link monitor would.
  void link_changed(std::size_t index, Locator locator, bool up);
  // The node's process ends: it leaves every group and does nothing more.
  void stop_node(std::size_t index);
  [[nodiscard]] bool stopped(std::size_t index) const { return nodes_.at(index).stopped; }

  // Observers. With a deliver handler, Delivers go to it instead of
  // deliveries(); the transmit observer sees every datagram a node puts on a
  // segment (after its own out loss), at the time it is sent.
  using DeliverHandler = std::function<void(const Deliver&)>;
  using NoticeHandler = std::function<void(const Event&)>;
  // A stand-in for the node's TUN: the IP packets it would write there.
  using IpHandler = std::function<void(const wire::Buffer& packet)>;
  using TransmitObserver = std::function<void(Instant, std::size_t from, Locator link, const wire::Buffer& bytes)>;
  void on_deliver(std::size_t index, DeliverHandler h) { nodes_.at(index).deliver = std::move(h); }
  void on_notice(std::size_t index, NoticeHandler h) { nodes_.at(index).notice = std::move(h); }
  void on_ip(std::size_t index, IpHandler h) { nodes_.at(index).ip = std::move(h); }
  void on_transmit(TransmitObserver o) { transmit_observer_ = std::move(o); }

  // Every Deliver a node produced, in order (without a deliver handler).
  [[nodiscard]] const std::vector<Deliver>& deliveries(std::size_t index) const { return nodes_.at(index).delivered; }
  // A hash over every transmission (time, sender, locator, bytes).
  [[nodiscard]] std::uint64_t trace_hash() const { return trace_hash_; }
  [[nodiscard]] std::uint64_t transmissions() const { return transmissions_; }
  [[nodiscard]] const SimCounters& counters() const { return counters_; }

 private:
  struct SimNode {
    std::unique_ptr<Node> node;
    std::set<Locator> joined;
    std::set<Locator> links_down;
    std::vector<Deliver> delivered;
    NodeLink link;
    Instant out_free{};  // the out rate limiter is busy until then
    Instant in_free{};
    Instant timer{kNever};  // the deadline queued in timers_
    DeliverHandler deliver;
    NoticeHandler notice;
    IpHandler ip;
    bool stopped{false};
  };
  struct Arrival {
    Instant at;
    std::uint64_t sequence;
    std::size_t to;
    Locator link;
    std::shared_ptr<const wire::Buffer> bytes;
    bool operator>(const Arrival& o) const { return std::tie(at, sequence) > std::tie(o.at, o.sequence); }
  };
  struct Timer {
    Instant at;
    std::size_t index;
    bool operator>(const Timer& o) const { return std::tie(at, index) > std::tie(o.at, o.index); }
  };
  struct Call {
    Instant at;
    std::uint64_t sequence;
    std::function<void()> fn;
    bool operator>(const Call& o) const { return std::tie(at, sequence) > std::tie(o.at, o.sequence); }
  };

  void drain(std::size_t index);
  void transmit(std::size_t from, Transmit t);
  void record(std::size_t from, Locator link, const wire::Buffer& bytes);
  // Delay through one side's conditions (jitter, rate queue); nullopt = dropped.
  std::optional<Duration> pass(const LinkConditions& c, Instant& busy_until, std::size_t bytes);
  void requeue_timer(std::size_t index);
  [[nodiscard]] HubRelay* relay_for(Locator link) const;
  [[nodiscard]] Instant next_relay_event(HubRelay** relay) const;

  LinkModel model_;
  Rng rng_;
  Instant now_{};
  std::vector<SimNode> nodes_;
  std::priority_queue<Arrival, std::vector<Arrival>, std::greater<>> arrivals_;
  // Lazily invalidated: an entry counts only while it equals the node's `timer`.
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  std::priority_queue<Call, std::vector<Call>, std::greater<>> calls_;
  std::vector<std::unique_ptr<HubRelay>> relays_;
  std::uint64_t sequence_{0};
  std::uint64_t trace_hash_{0xcbf29ce484222325ULL};
  std::uint64_t transmissions_{0};
  SimCounters counters_;
  TransmitObserver transmit_observer_;
};

}  // namespace ilnp::sim
