// Sliding anti-replay window over 64-bit counters (RFC 6479 in spirit): the
// highest counter seen and a bitmap of the last kWidth below it.
#pragma once

#include <bitset>
#include <cstdint>

namespace ilnp::security {

class ReplayWindow {
 public:
  static constexpr std::uint64_t kWidth = 1024;

  // True (and recorded) the first time `counter` is seen and it is not too old.
  bool accept(std::uint64_t counter) {
    if (!any_ || counter > highest_) {
      auto shift = any_ ? counter - highest_ : kWidth;
      seen_ = shift >= kWidth ? std::bitset<kWidth>{} : seen_ << shift;
      seen_.set(0);
      highest_ = counter;
      any_ = true;
      return true;
    }
    auto age = highest_ - counter;
    if (age >= kWidth || seen_.test(age)) return false;
    seen_.set(age);
    return true;
  }

 private:
  std::bitset<kWidth> seen_;
  std::uint64_t highest_{0};
  bool any_{false};
};

}  // namespace ilnp::security
