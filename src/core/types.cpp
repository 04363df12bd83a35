// Text notation of 64-bit locators and NIDs, as the prototype writes them.
#include "ilnp/core/types.hpp"

#include <array>
#include <charconv>

namespace ilnp {

std::string format_hex64(std::uint64_t value) {
  std::string out;
  out.reserve(19);
  for (int group = 3; group >= 0; --group) {
    std::array<char, 4> digits{};
    auto part = static_cast<unsigned>((value >> (group * 16)) & 0xffffU);
    auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), part, 16);
    out.append(digits.data(), end);
    if (group != 0) out.push_back(':');
  }
  return out;
}

std::optional<std::uint64_t> parse_hex64(std::string_view text) {
  std::uint64_t value = 0;
  for (int group = 0; group < 4; ++group) {
    auto colon = text.find(':');
    bool last = group == 3;
    if (last != (colon == std::string_view::npos)) return std::nullopt;
    auto part = last ? text : text.substr(0, colon);
    if (part.empty() || part.size() > 4) return std::nullopt;
    unsigned parsed = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), parsed, 16);
    if (ec != std::errc{} || end != part.data() + part.size()) return std::nullopt;
    value = (value << 16) | parsed;
    if (!last) text.remove_prefix(colon + 1);
  }
  return value;
}

}  // namespace ilnp
