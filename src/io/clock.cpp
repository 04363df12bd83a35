// Clock reads for the driver and the applications.
#include "ilnp/io/clock.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace ilnp::io {

Instant now() {
  auto since_boot = std::chrono::steady_clock::now().time_since_epoch();
  return Instant{std::chrono::duration_cast<Duration>(since_boot)};
}

std::string wall_clock_text() {
  auto t = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(t);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count() % 1000000;
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[40];
  auto n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%06lld", static_cast<long long>(micros));
  return buf;
}

}  // namespace ilnp::io
