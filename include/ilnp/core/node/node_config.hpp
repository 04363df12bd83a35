// What a node is told at construction: identity, locators, protocol timers.
// Plain data; parsing and validation of files live in apps/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ilnp/core/security/identity.hpp"

#include "ilnp/core/time.hpp"
#include "ilnp/core/tun/ip_mapping.hpp"
#include "ilnp/core/types.hpp"
#include "ilnp/core/wire/constants.hpp"

namespace ilnp {

struct SecurityConfig {
  // Secure mode: signed discovery and locator updates (45, 46); legacy
  // discovery is flooded but not believed, legacy updates are refused.
  bool secure{false};
  // Seal transport datagrams to secure peers (47); never send them in clear.
  bool encrypt{false};
  std::uint64_t rekey_after{std::uint64_t{1} << 30};  // datagrams per epoch
  // Signed messages older (or further ahead) than this by our clock are
  // refused, so an old update cannot be replayed after our freshness table
  // forgot its sender (a restart, eviction). Zero: no limit (clocks unsynced).
  Duration max_message_age{std::chrono::minutes(10)};
  std::map<std::string, security::PublicKey> pinned;  // hostname -> the only key it may use
};

// What moves the node: a timer through locator_cycle (the prototype's
// emulated mobility), or its links going down and up (link_changed).
enum class Moves { cycle, links };

struct NodeConfig {
  Nid nid;
  std::string hostname;
  // The locator sets of the mobility schedule; the node starts on the first.
  // With Moves::links there is one set, most preferred locator first.
  std::vector<std::vector<Locator>> locator_cycle;
  Moves moves{Moves::cycle};
  std::uint8_t hop_limit{wire::kDefaultHopLimit};
  std::size_t buffer_size{wire::kDefaultBufferSize};
  Duration backwards_learning_ttl{std::chrono::seconds(30)};
  Duration discovery_wait_time{std::chrono::seconds(30)};
  Duration active_session_ttl{std::chrono::seconds(30)};
  Duration move_time{std::chrono::seconds(20)};
  Duration handoff_time{std::chrono::seconds(10)};
  unsigned loc_update_retries{3};
  Duration loc_update_retry_wait_time{std::chrono::seconds(1)};
  SecurityConfig security;
  // Unix time in microseconds = Instant (ns) / 1000 + this; signed messages
  // carry wall-clock timestamps. 0 in the simulator.
  std::int64_t wall_clock_offset_us{0};

  // IP packets over the overlay (section 13): set, the node carries IP for
  // the identifier addresses PREFIX::NID; unset, it drops them as legacy nodes do.
  std::optional<tun::IdentifierPrefix> ip_prefix;

  // Largest IP packet (the TUN's MTU): one datagram, less the sealed-IP overhead.
  [[nodiscard]] std::size_t max_ip_packet() const {
    return security.encrypt ? buffer_size - tun::kSealedIpOverhead : buffer_size;
  }
  // Largest transport data that fits one datagram.
  [[nodiscard]] std::size_t max_transport_data() const {
    auto max = buffer_size - wire::kHeaderSize - wire::kTransportHeaderSize;
    return security.encrypt ? max - kSealOverhead : max;
  }
  // Epoch (4) + counter (8) + Poly1305 tag (16) per sealed datagram.
  static constexpr std::size_t kSealOverhead = 28;
};

}  // namespace ilnp
