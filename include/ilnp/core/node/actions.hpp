// What the core asks its driver to do. The driver performs actions in order.
#pragma once

#include <variant>

#include "ilnp/core/types.hpp"
#include "ilnp/core/wire/bytes.hpp"

namespace ilnp {

// Send a datagram on a locator's link (its multicast group).
struct Transmit {
  Locator link;
  wire::Buffer bytes;
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

using Action = std::variant<Transmit, Join, Leave, Deliver>;

}  // namespace ilnp
