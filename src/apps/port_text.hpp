// The text forms of ports and TCP endpoints that users type (configuration,
// control requests): "22", "127.0.0.1:22", "[::1]:22". Strict decimal.
#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "ilnp/core/types.hpp"

namespace ilnp::apps {

// 1-65535, decimal digits only.
[[nodiscard]] inline std::optional<Port> parse_port(std::string_view text) {
  unsigned value = 0;
  if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535) return std::nullopt;
  return static_cast<Port>(value);
}

// "HOST:PORT" or "[V6ADDRESS]:PORT" -> (host without brackets, port).
[[nodiscard]] inline std::optional<std::pair<std::string, Port>> parse_host_port(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  auto port = parse_port(text.substr(colon + 1));
  if (!port) return std::nullopt;
  auto host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return std::pair{std::string(host), *port};
}

}  // namespace ilnp::apps
