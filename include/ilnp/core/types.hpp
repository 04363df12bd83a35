// Strong types for the overlay's identifiers: Locator, Nid, Ilv, Port.
// Owns their text notation (four 16-bit hex groups); knows nothing of the wire.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ilnp {

// A 64-bit value written as four 16-bit hex groups, e.g. "ffff:0:0:a".
[[nodiscard]] std::string format_hex64(std::uint64_t value);
// Accepts exactly four groups of 1-4 hex digits; nullopt otherwise.
[[nodiscard]] std::optional<std::uint64_t> parse_hex64(std::string_view text);

struct Locator {
  std::uint64_t value{0};
  auto operator<=>(const Locator&) const = default;
  [[nodiscard]] std::string to_string() const { return format_hex64(value); }
  [[nodiscard]] static std::optional<Locator> parse(std::string_view text) {
    if (auto v = parse_hex64(text)) return Locator{*v};
    return std::nullopt;
  }
};

struct Nid {
  std::uint64_t value{0};
  auto operator<=>(const Nid&) const = default;
  [[nodiscard]] std::string to_string() const { return format_hex64(value); }
  [[nodiscard]] static std::optional<Nid> parse(std::string_view text) {
    if (auto v = parse_hex64(text)) return Nid{*v};
    return std::nullopt;
  }
};

// Identifier-Locator Vector: where a node is (locator) and who it is (NID).
struct Ilv {
  Locator locator;
  Nid nid;
  auto operator<=>(const Ilv&) const = default;
  [[nodiscard]] std::string to_string() const { return locator.to_string() + ":" + nid.to_string(); }
};

using Port = std::uint16_t;

// The destination locator meaning "every node on this link" (with NID 0).
inline constexpr Locator kAllNodes{0xff02'0000'0000'0001ULL};

}  // namespace ilnp

template <>
struct std::hash<ilnp::Locator> {
  std::size_t operator()(ilnp::Locator l) const noexcept { return std::hash<std::uint64_t>{}(l.value); }
};
template <>
struct std::hash<ilnp::Nid> {
  std::size_t operator()(ilnp::Nid n) const noexcept { return std::hash<std::uint64_t>{}(n.value); }
};
template <>
struct std::hash<ilnp::Ilv> {
  std::size_t operator()(const ilnp::Ilv& i) const noexcept {
    return std::hash<std::uint64_t>{}(i.locator.value * 0x9e3779b97f4a7c15ULL ^ i.nid.value);
  }
};
