// A small deterministic world for hub-backed locators: core Nodes, each with a
// core HubMember, and one core MembershipTable as the hub, joined by UDP paths
// with seeded loss and fixed delay, in virtual time. Hosts have endpoints a
// test may change (a NAT rebinding). Separate from sim::Simulator on purpose:
// that one models multicast segments; this one models the hub's unicast star.
#pragma once

#include <map>
#include <memory>
#include <random>
#include <vector>

#include "ilnp/core/hub/member.hpp"
#include "ilnp/core/hub/membership.hpp"
#include "ilnp/core/node/node.hpp"

namespace ilnp::test {

struct PathModel {
  double loss{0.0};  // per frame, each way
  Duration delay{std::chrono::milliseconds(2)};
};

class HubWorld {
 public:
  static constexpr std::uint64_t kWallStart = 1'700'000'000'000'000;  // unix µs at t = 0

  HubWorld(std::uint64_t seed, PathModel path, hub::HubConfig hub = {}, hub::MemberConfig member = {});

  // A legacy-wire node whose NID is that of the identity seeded with `key_tag`
  // (which signs its registrations). Returns its index.
  std::size_t add_host(NodeConfig config, std::uint8_t key_tag);
  void start();
  void run_for(Duration d);
  // The host's NAT mapping changes: frames to its old endpoint are lost.
  void rebind(std::size_t host, std::uint16_t new_port);
  // Sends `frame` to the hub as if from `from` (an attacker).
  void inject(const hub::Endpoint& from, wire::Buffer frame);

  [[nodiscard]] Node& node(std::size_t i) { return hosts_[i]->node; }
  [[nodiscard]] const std::vector<std::pair<Instant, Deliver>>& deliveries(std::size_t i) const {
    return hosts_[i]->deliveries;
  }
  [[nodiscard]] const hub::MembershipTable& hub() const { return hub_; }
  [[nodiscard]] const hub::HubMember& member(std::size_t i) const { return hosts_[i]->member; }
  [[nodiscard]] hub::Endpoint endpoint(std::size_t i) const { return hosts_[i]->endpoint; }
  [[nodiscard]] const std::vector<wire::Buffer>& registrations_seen() const { return registrations_seen_; }
  [[nodiscard]] Instant now() const { return now_; }
  // Drains the node's actions (call after driving a node directly).
  void settle(std::size_t host);

 private:
  struct Host {
    Host(NodeConfig config, std::uint64_t seed, security::Identity id, hub::MemberConfig member_config)
        : identity(id), node(std::move(config), seed), member(member_config, &identity, identity.nid()) {}
    security::Identity identity;
    Node node;
    hub::HubMember member;
    hub::Endpoint endpoint;
    std::vector<std::pair<Instant, Deliver>> deliveries;
  };
  struct Frame {
    bool to_hub;
    hub::Endpoint from;  // to_hub: the sender's endpoint
    hub::Endpoint to;    // !to_hub: the destination endpoint
    wire::Buffer bytes;
  };
  void send(Frame frame);
  void deliver(Frame& frame);
  void at_hub(const Frame& frame);
  void at_host(Host& host, wire::Bytes frame);
  void poll_registrations(Host& host);
  [[nodiscard]] std::uint64_t wall() const;
  [[nodiscard]] Instant next_event() const;

  PathModel path_;
  hub::MemberConfig member_config_;
  hub::MembershipTable hub_;
  hub::Endpoint hub_endpoint_;
  std::vector<std::unique_ptr<Host>> hosts_;
  std::multimap<std::pair<Instant, std::uint64_t>, Frame> in_flight_;
  std::uint64_t sequence_{0};
  std::mt19937_64 rng_;
  Instant now_{};
  std::vector<wire::Buffer> registrations_seen_;
  std::vector<hub::Endpoint> to_;
};

}  // namespace ilnp::test
