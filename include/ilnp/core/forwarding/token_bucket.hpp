// Rate limits for answers and relays that untrusted input triggers: a token
// bucket, and one bucket per arrival locator. Time is passed in; no clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>

#include "ilnp/core/time.hpp"
#include "ilnp/core/types.hpp"

namespace ilnp::forwarding {

// `rate` tokens a second, at most `burst` saved up; starts full.
class TokenBucket {
 public:
  TokenBucket(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}
  // Takes a token if one is there.
  [[nodiscard]] bool take(Instant now);

 private:
  double rate_;
  double burst_;
  double tokens_;
  Instant last_{};
  bool started_{false};
};

// One bucket per locator. Callers pass only locators the node joined, so the
// table is small; past kMaxLinks the extra locators share one bucket.
class LinkBudgets {
 public:
  static constexpr std::size_t kMaxLinks = 32;
  LinkBudgets(double rate, double burst) : rate_(rate), burst_(burst), shared_(rate, burst) {}
  [[nodiscard]] bool take(Locator link, Instant now);
  // How many take() refused, over all links.
  [[nodiscard]] std::uint64_t refused() const { return refused_; }

 private:
  double rate_;
  double burst_;
  std::map<Locator, TokenBucket> buckets_;
  TokenBucket shared_;
  std::uint64_t refused_{0};
};

}  // namespace ilnp::forwarding
