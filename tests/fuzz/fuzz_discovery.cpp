// Fuzz target for wire::decode_discovery and wire::is_clean_utf8
// (proto/README.md sections 4 and 7).
// Properties: the refusal reason follows the spec's check order, with
// is_clean_utf8 compared against an independent table-driven UTF-8 check;
// an accepted payload has a clean hostname of 1..255 bytes and re-encodes to
// exactly the input bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "fuzz_check.hpp"
#include "ilnp/core/wire/constants.hpp"
#include "ilnp/core/wire/messages.hpp"

namespace {

using ilnp::DropReason;
namespace wire = ilnp::wire;

// The reference: well-formed UTF-8 by the byte ranges of the Unicode
// Standard, Table 3-7 (a different shape from the decoder's code-point
// arithmetic), without ASCII controls (< 0x20, 0x7f).
bool reference_clean_utf8(std::span<const std::uint8_t> s) {
  std::size_t i = 0;
  while (i < s.size()) {
    std::uint8_t lead = s[i];
    if (lead < 0x80) {
      if (lead < 0x20 || lead == 0x7f) return false;
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint8_t second_low = 0x80;
    std::uint8_t second_high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
      length = 2;
    } else if (lead == 0xe0) {
      length = 3, second_low = 0xa0;  // no overlong 3-byte forms
    } else if ((lead >= 0xe1 && lead <= 0xec) || lead == 0xee || lead == 0xef) {
      length = 3;
    } else if (lead == 0xed) {
      length = 3, second_high = 0x9f;  // no surrogates
    } else if (lead == 0xf0) {
      length = 4, second_low = 0x90;  // no overlong 4-byte forms
    } else if (lead >= 0xf1 && lead <= 0xf3) {
      length = 4;
    } else if (lead == 0xf4) {
      length = 4, second_high = 0x8f;  // nothing above U+10FFFF
    } else {
      return false;  // 80..c1 and f5..ff never lead
    }
    if (s.size() - i < length) return false;
    if (s[i + 1] < second_low || s[i + 1] > second_high) return false;
    for (std::size_t k = 2; k < length; ++k)
      if (s[i + k] < 0x80 || s[i + k] > 0xbf) return false;
    i += length;
  }
  return true;
}

// Section 7, "Discovery": the first failing check names the reason.
std::optional<DropReason> spec_refusal(std::span<const std::uint8_t> payload) {
  if (payload.size() < wire::kDiscoveryFixedSize) return DropReason::truncated_discovery;
  if (payload[16] > 1) return DropReason::bad_discovery_flag;
  auto hostname = payload.subspan(wire::kDiscoveryFixedSize);
  if (hostname.empty()) return DropReason::empty_hostname;
  if (hostname.size() > wire::kMaxHostnameBytes) return DropReason::hostname_too_long;
  if (!reference_clean_utf8(hostname)) return DropReason::hostname_not_utf8;
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> raw(data, size);
  wire::Bytes in(reinterpret_cast<const std::byte*>(data), size);

  // Differential: the whole input as a candidate hostname.
  ILNP_FUZZ_CHECK(wire::is_clean_utf8(wire::as_text(in)) == reference_clean_utf8(raw));

  auto decoded = wire::decode_discovery(in);
  auto refusal = spec_refusal(raw);
  ILNP_FUZZ_CHECK(decoded.ok() == !refusal.has_value());
  if (!decoded) {
    ILNP_FUZZ_CHECK(decoded.error() == *refusal);
    return 0;
  }
  const auto& message = *decoded;
  ILNP_FUZZ_CHECK(!message.hostname.empty());
  ILNP_FUZZ_CHECK(message.hostname.size() <= wire::kMaxHostnameBytes);
  ILNP_FUZZ_CHECK(wire::is_clean_utf8(message.hostname));
  ILNP_FUZZ_CHECK(message.solicitation == (data[16] == 1));
  auto again = wire::encode_discovery(message);
  ILNP_FUZZ_CHECK(std::ranges::equal(again, in));
  return 0;
}
