// A log line that untrusted input can trigger (a refused registration, a
// forged reply): at most `burst` lines per `window`, the rest counted, so a
// flood costs a few lines and not megabytes. The owner writes the count of
// suppressed lines later: in its next written line or from a periodic timer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "ilnp/core/time.hpp"

namespace ilnp {

class RateLimitedLog {
 public:
  explicit RateLimitedLog(std::uint32_t burst = 10, Duration window = std::chrono::seconds(10))
      : burst_(burst), window_(window) {}

  // True when a line may be written now; false: suppressed and counted.
  [[nodiscard]] bool admit(Instant now) {
    if (now >= window_end_) {
      window_end_ = now + window_;
      written_ = 0;
    }
    if (written_ >= burst_) {
      ++pending_;
      ++suppressed_total_;
      return false;
    }
    ++written_;
    return true;
  }
  // The lines suppressed since the last call (for "N more suppressed"), reset to 0.
  [[nodiscard]] std::uint64_t take_suppressed() { return std::exchange(pending_, 0); }
  // " (N more suppressed)" when lines were suppressed since the last call, else "".
  [[nodiscard]] std::string suppressed_suffix() {
    auto n = take_suppressed();
    return n ? " (" + std::to_string(n) + " more suppressed)" : std::string();
  }
  [[nodiscard]] std::uint64_t suppressed_total() const { return suppressed_total_; }

 private:
  std::uint32_t burst_;
  Duration window_;
  Instant window_end_{};
  std::uint32_t written_{0};
  std::uint64_t pending_{0};
  std::uint64_t suppressed_total_{0};
};

}  // namespace ilnp
