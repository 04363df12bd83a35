// Locator <-> IPv6 multicast group mapping of the legacy link layer:
// ff12:0:U:0:L with U = uid mod 65536. Pure arithmetic; no sockets.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "ilnp/core/types.hpp"

namespace ilnp::wire {

using Ipv6Address = std::array<std::uint8_t, 16>;

[[nodiscard]] Ipv6Address group_for(Locator locator, std::uint32_t uid);

// The locator a group address stands for, if it is one of this uid's groups.
[[nodiscard]] std::optional<Locator> locator_of_group(const Ipv6Address& group, std::uint32_t uid);

}  // namespace ilnp::wire
