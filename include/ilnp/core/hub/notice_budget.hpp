// How many unknown-sender notices the hub may send per second. A notice
// answers a data frame from an address the hub does not know, which anyone
// can forge: without a budget the hub would reflect a spoofed flood onto its
// victim (no amplification, a notice is smaller than the frame, but still a
// reflector). Over budget, notices are suppressed and counted; a member whose
// NAT mapping changed still re-registers within its keepalive.
#pragma once

#include <cstdint>

#include "ilnp/core/time.hpp"

namespace ilnp::hub {

class NoticeBudget {
 public:
  explicit NoticeBudget(std::uint32_t per_second) : per_second_(per_second) {}

  // True when a notice may be sent now (and counts it), false when suppressed.
  bool allow(Instant now) {
    if (now >= window_end_) {
      window_end_ = now + std::chrono::seconds(1);
      used_ = 0;
    }
    if (used_ >= per_second_) {
      ++suppressed_;
      return false;
    }
    ++used_;
    return true;
  }
  [[nodiscard]] std::uint64_t suppressed() const { return suppressed_; }

 private:
  std::uint32_t per_second_;
  Instant window_end_{};
  std::uint32_t used_{0};
  std::uint64_t suppressed_{0};
};

}  // namespace ilnp::hub
