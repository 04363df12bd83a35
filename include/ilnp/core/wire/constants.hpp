// Spec constants of the legacy wire format (proto/README.md).
// Implementation limits (table caps) live with the tables, not here.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ilnp::wire {

inline constexpr std::size_t kHeaderSize = 40;
inline constexpr std::size_t kTransportHeaderSize = 4;
inline constexpr std::size_t kDiscoveryFixedSize = 17;
inline constexpr std::size_t kDefaultBufferSize = 1440;
inline constexpr std::uint16_t kDefaultPort = 10000;
inline constexpr std::uint8_t kDefaultHopLimit = 3;
inline constexpr std::size_t kMaxHostnameBytes = 255;
inline constexpr std::size_t kMaxUpdateLocators = 16;

enum class NextHeader : std::uint8_t {
  transport = 42,
  discovery = 43,
  locator_update = 44,
  // Secure mode (our extension): legacy nodes drop these unread.
  secure_discovery = 45,
  secure_locator_update = 46,
  sealed_transport = 47,
  // IP packets over the overlay, sealed (section 13); in clear they carry
  // the inner protocol itself (6, 17, 58).
  sealed_ip = 48,
};

}  // namespace ilnp::wire
