// What a node is told at construction: identity, locators, protocol timers.
// Plain data; parsing and validation of files live in apps/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ilnp/core/time.hpp"
#include "ilnp/core/types.hpp"
#include "ilnp/core/wire/constants.hpp"

namespace ilnp {

struct NodeConfig {
  Nid nid;
  std::string hostname;
  // The locator sets of the mobility schedule; the node starts on the first.
  std::vector<std::vector<Locator>> locator_cycle;
  std::uint8_t hop_limit{wire::kDefaultHopLimit};
  std::size_t buffer_size{wire::kDefaultBufferSize};
  Duration backwards_learning_ttl{std::chrono::seconds(30)};
  Duration discovery_wait_time{std::chrono::seconds(30)};
  Duration active_session_ttl{std::chrono::seconds(30)};
  Duration move_time{std::chrono::seconds(20)};
  Duration handoff_time{std::chrono::seconds(10)};
  unsigned loc_update_retries{3};
  Duration loc_update_retry_wait_time{std::chrono::seconds(1)};

  // Largest transport data that fits one datagram.
  [[nodiscard]] std::size_t max_transport_data() const {
    return buffer_size - wire::kHeaderSize - wire::kTransportHeaderSize;
  }
};

}  // namespace ilnp
