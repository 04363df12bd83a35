// How the control socket frames a request: the bytes up to the first newline,
// without the line end, within ControlServer::kMaxRequestBytes. Pure (no
// sockets), so the fuzz tier can drive it; the session uses the same function.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ilnp::io {

// `received` is what the client sent so far. Returns the request once a
// newline is in the first `max_bytes`; nullopt while more is needed. The
// caller closes the session when nullopt comes back with `received` at
// `max_bytes` (too long) or at end of file (as before: an empty request).
[[nodiscard]] inline std::optional<std::string> control_request_line(std::string_view received,
                                                                     std::size_t max_bytes) {
  const auto window = received.substr(0, max_bytes);
  const auto newline = window.find('\n');
  if (newline == std::string_view::npos) return std::nullopt;
  std::string request(window.substr(0, newline));
  while (!request.empty() && request.back() == '\r') request.pop_back();
  return request;
}

}  // namespace ilnp::io
