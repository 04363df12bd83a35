// Text for logs, and the masks of the per-source budgets.
#include "ilnp/core/hub/endpoint.hpp"

#include <algorithm>
#include <cstdio>

namespace ilnp::hub {

namespace {
constexpr std::array<std::uint8_t, 12> kV4Mapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
}  // namespace

bool Endpoint::is_v4() const { return std::equal(kV4Mapped.begin(), kV4Mapped.end(), address.begin()); }

std::string Endpoint::to_string() const {
  char text[64];
  if (is_v4()) {
    std::snprintf(text, sizeof text, "%u.%u.%u.%u:%u", address[12], address[13], address[14], address[15], port);
    return text;
  }
  std::string out = "[";
  for (std::size_t i = 0; i < 16; i += 2) {
    std::snprintf(text, sizeof text, i ? ":%x" : "%x", (address[i] << 8) | address[i + 1]);
    out += text;
  }
  return out + "]:" + std::to_string(port);
}

Endpoint address_of(const Endpoint& e) { return Endpoint{e.address, 0}; }

Endpoint prefix_of(const Endpoint& e) {
  Endpoint out{e.address, 0};
  std::fill(out.address.begin() + (e.is_v4() ? 15 : 8), out.address.end(), std::uint8_t{0});
  return out;
}

}  // namespace ilnp::hub
