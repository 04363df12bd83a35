// Per-locator traffic counters: datagrams and bytes in, out and forwarded on
// each locator the node has used, and drops by reason where the arrival
// locator is known. Owns the table and its cap; knows nothing of the wire.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "ilnp/core/drop_reason.hpp"
#include "ilnp/core/types.hpp"

namespace ilnp {

struct LinkTraffic {
  std::uint64_t datagrams_in{0};
  std::uint64_t bytes_in{0};
  std::uint64_t datagrams_out{0};  // everything sent on the locator, forwarded included
  std::uint64_t bytes_out{0};
  std::uint64_t forwarded{0};  // of datagrams_out: other nodes' datagrams relayed onto it
  std::uint64_t bytes_forwarded{0};
  std::array<std::uint64_t, kDropReasonCount> drops{};  // of datagrams that arrived on it

  void count_in(std::size_t bytes) {
    ++datagrams_in;
    bytes_in += bytes;
  }
  void count_out(std::size_t bytes) {
    ++datagrams_out;
    bytes_out += bytes;
  }
  void count_forwarded(std::size_t bytes) {
    count_out(bytes);
    ++forwarded;
    bytes_forwarded += bytes;
  }
  void count_drop(DropReason r) { ++drops[static_cast<std::size_t>(r)]; }
};

// A flat table searched linearly: a node uses a handful of locators, so this
// beats a map and never allocates on the packet path. Entries are created on
// first use and never evicted (a counter that vanished would look like a
// reset); past kMaxLocators, the extra locators share one `overflow()` entry.
class LinkCounters {
 public:
  static constexpr std::size_t kMaxLocators = 32;

  // The entry of `locator`, created on first use.
  [[nodiscard]] LinkTraffic& on(Locator locator);

  [[nodiscard]] std::span<const Locator> locators() const { return {locators_.data(), size_}; }
  [[nodiscard]] const LinkTraffic& traffic(std::size_t index) const { return traffic_[index]; }
  [[nodiscard]] const LinkTraffic& overflow() const { return overflow_; }
  [[nodiscard]] bool overflowed() const { return overflowed_; }

 private:
  std::array<Locator, kMaxLocators> locators_{};
  std::array<LinkTraffic, kMaxLocators> traffic_{};
  std::size_t size_{0};
  std::size_t last_{0};  // the last hit: consecutive datagrams mostly share a locator
  LinkTraffic overflow_;
  bool overflowed_{false};
};

}  // namespace ilnp
