// How many unverified replies (cookie challenges, unknown-sender notices) the
// hub may send per second: in all, per source address and per /64 or /24.
// Their source address is unauthenticated, so without a budget the hub would
// reflect a spoofed flood onto its victim (no amplification: each reply is
// smaller than its cause, but still a reflector). Over budget, replies are
// suppressed and counted; members retry every second. Bounded memory.
#pragma once

#include <cstdint>
#include <map>

#include "ilnp/core/hub/endpoint.hpp"
#include "ilnp/core/time.hpp"

namespace ilnp::hub {

struct SourceBudgetLimits {
  std::uint32_t total{200};
  std::uint32_t per_prefix{20};
  std::uint32_t per_address{10};
  std::size_t max_sources{4096};  // prefixes and addresses tracked per second; beyond: suppressed
};

class SourceBudget {
 public:
  explicit SourceBudget(SourceBudgetLimits limits = {}) : limits_(limits) {}

  // True when a reply to `to` may be sent now (and counts it), false when suppressed.
  bool allow(Instant now, const Endpoint& to) {
    if (now >= window_end_) {
      window_end_ = now + std::chrono::seconds(1);
      used_ = 0;
      per_source_.clear();
    }
    auto prefix = prefix_of(to), address = address_of(to);
    auto p = per_source_.find(prefix), a = per_source_.find(address);
    bool room = per_source_.size() + 2 <= limits_.max_sources || (p != per_source_.end() && a != per_source_.end());
    if (used_ >= limits_.total || !room || (p != per_source_.end() && p->second >= limits_.per_prefix) ||
        (a != per_source_.end() && a->second >= limits_.per_address)) {
      ++suppressed_;
      return false;
    }
    ++used_;
    ++per_source_[prefix];
    if (address != prefix) ++per_source_[address];  // one entry when the host bits are zero
    return true;
  }
  [[nodiscard]] std::uint64_t suppressed() const { return suppressed_; }

 private:
  SourceBudgetLimits limits_;
  Instant window_end_{};
  std::uint32_t used_{0};
  std::map<Endpoint, std::uint32_t> per_source_;
  std::uint64_t suppressed_{0};
};

}  // namespace ilnp::hub
