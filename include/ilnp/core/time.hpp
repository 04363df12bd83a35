// Virtual-or-real time for the core: an Instant on a clock that has no now().
// Only io/clock and the simulator create Instants from a real or virtual source.
#pragma once

#include <chrono>

namespace ilnp {

struct CoreClock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<CoreClock>;
  static constexpr bool is_steady = true;
  // Deliberately no now(): time is always passed in.
};

using Duration = CoreClock::duration;
using Instant = CoreClock::time_point;

[[nodiscard]] constexpr Duration seconds_f(double s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}
[[nodiscard]] constexpr double to_seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

inline constexpr Instant kNever = Instant::max();

}  // namespace ilnp
