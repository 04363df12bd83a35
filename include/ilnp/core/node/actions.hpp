// What the core asks its driver to do. The driver performs actions in order.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ilnp/core/security/identity.hpp"
#include "ilnp/core/time.hpp"

#include "ilnp/core/types.hpp"
#include "ilnp/core/wire/bytes.hpp"

namespace ilnp {

// Send a datagram on a locator's link (its multicast group).
struct Transmit {
  Locator link;
  wire::Buffer bytes;
};
// Send the datagram being handled on a locator's link again, with this hop
// limit instead of its own: forwarding without a copy. `datagram` is the view
// given to handle_datagram, valid only as long as the caller keeps those
// bytes: a driver performs (or copies) it before it reuses its buffer.
struct Forward {
  Locator link;
  std::uint8_t hop_limit{0};
  wire::Bytes datagram;
};
struct Join {
  Locator link;
};
struct Leave {
  Locator link;
};
// Hand a transport datagram to the application bound to `port`.
struct Deliver {
  Port port{0};
  Ilv source;
  Port source_port{0};
  Ilv destination;
  Locator arrival;
  wire::Buffer data;
};

// Write an IPv6 packet into the TUN: one that arrived over the overlay (its
// identifier addresses restored), or a Packet Too Big for a local sender.
struct DeliverIp {
  wire::Buffer packet;
};

// Facts worth keeping or plotting (the state database, experiment results).
struct NameLearned {  // an accepted advertisement or solicitation
  std::string hostname;
  Ilv ilv;
  std::optional<security::PublicKey> key;  // secure mode
};
struct PeerRelocated {  // a correspondent's locator update was applied
  Nid nid;
  std::vector<Locator> locators;
};
struct Moved {
  std::vector<Locator> from;
  std::vector<Locator> to;
};
struct UpdateSent {
  Ilv peer;
  Locator via;
};
struct UpdateAcknowledged {
  Nid peer;
  Duration round_trip;
};
struct LocatorLeft {
  Locator link;
};
struct LinkChanged {  // the link of one of our locators went down or came up
  Locator link;
  bool up{false};
};
using Event = std::variant<NameLearned, PeerRelocated, Moved, UpdateSent, UpdateAcknowledged, LocatorLeft, LinkChanged>;
struct Notice {
  Event event;
};

using Action = std::variant<Transmit, Forward, Join, Leave, Deliver, DeliverIp, Notice>;

}  // namespace ilnp
