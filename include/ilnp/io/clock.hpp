// The only place that reads clocks: monotonic Instants for the core, and wall
// time text for logs and application output.
#pragma once

#include <string>

#include "ilnp/core/time.hpp"

namespace ilnp::io {

[[nodiscard]] Instant now();
// "2026-11-21 23:59:59.000123": always with microseconds, local time like the prototype.
[[nodiscard]] std::string wall_clock_text();

}  // namespace ilnp::io
