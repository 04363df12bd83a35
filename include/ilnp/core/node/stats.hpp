// The node's counters: traffic totals and one counter per drop reason.
#pragma once

#include <array>
#include <cstdint>

#include "ilnp/core/drop_reason.hpp"

namespace ilnp {

struct Stats {
  std::uint64_t datagrams_in{0};
  std::uint64_t bytes_in{0};
  std::uint64_t datagrams_out{0};
  std::uint64_t bytes_out{0};
  std::uint64_t forwarded{0};
  std::uint64_t delivered{0};
  std::uint64_t solicitations_sent{0};
  std::uint64_t advertisements_sent{0};
  std::uint64_t moves{0};
  std::uint64_t link_downs{0};  // a locator's link went down (link_changed)
  std::uint64_t link_ups{0};
  std::uint64_t updates_sent{0};
  std::uint64_t updates_acknowledged{0};
  std::uint64_t updates_given_up{0};
  std::uint64_t updates_received{0};
  std::uint64_t ip_sent{0};       // IP packets from the TUN sent over the overlay
  std::uint64_t ip_delivered{0};  // IP packets from the overlay written to the TUN
  std::uint64_t ip_too_big_answered{0};  // ICMPv6 Packet Too Big sent back to the TUN
  std::array<std::uint64_t, kDropReasonCount> drops{};

  [[nodiscard]] std::uint64_t dropped(DropReason r) const { return drops[static_cast<std::size_t>(r)]; }
  void count(DropReason r) { ++drops[static_cast<std::size_t>(r)]; }
};

}  // namespace ilnp
