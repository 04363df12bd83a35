// The relay hub's address cookies (proto/README.md section 12): a stateless
// proof that a registrant receives at the address it sends from, as
// WireGuard's cookie reply or QUIC's Retry. Knows no tables and no sockets.
#pragma once

#include <array>
#include <cstddef>

#include "ilnp/core/hub/endpoint.hpp"
#include "ilnp/core/hub/frames.hpp"
#include "ilnp/core/time.hpp"

namespace ilnp::hub {

using CookieSecret = std::array<std::byte, 32>;

// cookie = BLAKE2b-128 keyed with the hub's secret over kCookieContext |
// time bucket (8, now / period) | address (16) | port (2). The secret never
// leaves the hub; a cookie is valid in its bucket and the next one, so for
// one to two periods. No state: the hub remembers nothing of who asked.
inline constexpr std::string_view kCookieContext = "ilnp-overlay hub cookie v1";

class CookieJar {
 public:
  // `secret` comes from the caller's random source (the core has none).
  CookieJar(const CookieSecret& secret, Duration period);

  [[nodiscard]] Cookie make(Instant now, const Endpoint& for_address) const;
  // Constant-time comparison against this bucket's and the previous one's.
  [[nodiscard]] bool valid(Instant now, const Endpoint& from, const Cookie& cookie) const;
  [[nodiscard]] Duration period() const { return period_; }

 private:
  [[nodiscard]] Cookie make_in(std::uint64_t bucket, const Endpoint& for_address) const;
  [[nodiscard]] std::uint64_t bucket(Instant now) const;

  CookieSecret secret_;
  Duration period_;
};

}  // namespace ilnp::hub
