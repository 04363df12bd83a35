// Multicast group arithmetic of the legacy link layer.
#include "ilnp/core/wire/group.hpp"

namespace ilnp::wire {

namespace {
Ipv6Address group_prefix(std::uint32_t uid) {
  Ipv6Address a{};
  a[0] = 0xff;
  a[1] = 0x12;
  a[4] = static_cast<std::uint8_t>((uid >> 8) & 0xff);
  a[5] = static_cast<std::uint8_t>(uid & 0xff);
  return a;
}
}  // namespace

Ipv6Address group_for(Locator locator, std::uint32_t uid) {
  auto a = group_prefix(uid);
  for (int i = 0; i < 8; ++i) a[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(locator.value >> (56 - 8 * i));
  return a;
}

std::optional<Locator> locator_of_group(const Ipv6Address& group, std::uint32_t uid) {
  auto prefix = group_prefix(uid);
  for (std::size_t i = 0; i < 8; ++i)
    if (group[i] != prefix[i]) return std::nullopt;
  std::uint64_t value = 0;
  for (std::size_t i = 8; i < 16; ++i) value = (value << 8) | group[i];
  return Locator{value};
}

}  // namespace ilnp::wire
