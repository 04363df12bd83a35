// Sliding anti-replay window over 64-bit counters (RFC 6479 in spirit): the
// highest counter seen and a bitmap of the last kWidth below it.
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>

namespace ilnp::security {

class ReplayWindow {
 public:
  static constexpr std::size_t kWidth = 1024;

  // True (and recorded) the first time `counter` is seen and it is not too old.
  bool accept(std::uint64_t counter) {
    if (!any_ || counter > highest_) {
      std::uint64_t shift = any_ ? counter - highest_ : kWidth;
      // Below kWidth the shift fits a size_t on 32-bit targets too.
      seen_ = shift >= kWidth ? std::bitset<kWidth>{} : seen_ << static_cast<std::size_t>(shift);
      seen_.set(0);
      highest_ = counter;
      any_ = true;
      return true;
    }
    auto age = highest_ - counter;
    if (age >= kWidth) return false;
    auto bit = static_cast<std::size_t>(age);
    if (seen_.test(bit)) return false;
    seen_.set(bit);
    return true;
  }

 private:
  std::bitset<kWidth> seen_;
  std::uint64_t highest_{0};
  bool any_{false};
};

}  // namespace ilnp::security
