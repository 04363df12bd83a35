// A relay hub in virtual time (proto/README.md section 12), for the
// simulator's hub-backed locators: the core MembershipTable as the hub, a
// core HubMember per node that joins one of its locators, and unicast UDP
// paths between them with a fixed delay and seeded loss. Nodes have
// endpoints a test may change (a NAT rebinding) and an attacker may send
// the hub any frame from any endpoint. The simulator hands it the actions of
// nodes on its locators and takes back the datagrams that reach a node.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "ilnp/core/hub/member.hpp"
#include "ilnp/core/hub/membership.hpp"
#include "ilnp/core/rng.hpp"
#include "ilnp/core/security/identity.hpp"

namespace ilnp::sim {

struct HubModel {
  Duration delay{std::chrono::milliseconds(2)};  // each way between a node and the hub
  double loss{0.0};                              // per frame, each way
  hub::HubConfig hub;
  hub::MemberConfig member;
};

// A datagram that reached a node through the hub.
struct HubArrival {
  std::size_t node;
  Locator link;
  wire::Buffer datagram;
};

class HubRelay {
 public:
  static constexpr std::uint64_t kWallStart = 1'700'000'000'000'000;  // unix µs at t = 0

  HubRelay(std::vector<Locator> locators, HubModel model, std::uint64_t seed);

  [[nodiscard]] bool serves(Locator locator) const;
  // A node's actions on one of this hub's locators. `identity` (secure mode)
  // signs its registrations and must outlive the relay; null registers unsigned.
  void join(Instant now, std::size_t node, Nid nid, const security::Identity* identity, Locator locator);
  void leave(Instant now, std::size_t node, Locator locator);
  void send(Instant now, std::size_t node, Locator locator, wire::Bytes datagram);
  // The node's process ended: it sends and receives nothing more.
  void stop(std::size_t node);

  [[nodiscard]] Instant next_event() const;
  // Performs the earliest event due at `now` (a frame arriving, a member's
  // registration due); returns the datagram it brought to a node, if any.
  std::optional<HubArrival> step(Instant now);

  // The node's NAT mapping changes: frames to its old endpoint are lost.
  void rebind(std::size_t node, std::uint16_t new_port);
  // Sends `frame` to the hub as if from `from` (an attacker).
  void inject(Instant now, const hub::Endpoint& from, wire::Buffer frame);

  [[nodiscard]] const hub::MembershipTable& table() const { return table_; }
  [[nodiscard]] const hub::HubMember& member(std::size_t node) const { return members_.at(node).member; }
  [[nodiscard]] hub::Endpoint endpoint(std::size_t node) const { return members_.at(node).endpoint; }
  // Every registration frame the hub received, in order (for replay attacks).
  [[nodiscard]] const std::vector<wire::Buffer>& registrations_seen() const { return registrations_seen_; }

 private:
  struct Member {
    hub::HubMember member;
    hub::Endpoint endpoint;
    bool stopped{false};
  };
  struct Frame {
    bool to_hub;
    hub::Endpoint from;  // to_hub: the sender's endpoint
    hub::Endpoint to;    // !to_hub: the destination endpoint
    wire::Buffer bytes;
  };

  void post(Instant now, Frame frame);
  void poll(Instant now, Member& m);
  void at_hub(Instant now, const Frame& frame);
  std::optional<HubArrival> at_node(Instant now, const Frame& frame);
  [[nodiscard]] static std::uint64_t wall(Instant now);

  std::vector<Locator> locators_;
  HubModel model_;
  hub::MembershipTable table_;
  Rng rng_;
  std::map<std::size_t, Member> members_;
  std::multimap<std::pair<Instant, std::uint64_t>, Frame> in_flight_;  // ties break by send order
  std::uint64_t sequence_{0};
  std::vector<wire::Buffer> registrations_seen_;
  std::vector<hub::Endpoint> route_to_;
  std::vector<hub::OutgoingRegistration> due_;
};

}  // namespace ilnp::sim
