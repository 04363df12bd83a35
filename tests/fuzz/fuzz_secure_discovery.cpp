// Fuzz target for wire::decode_secure_discovery (next header 45, proto/README.md
// section 9) and what a node does next with an accepted one: nid_of and
// Ed25519 verification on arbitrary key and signature bytes.
// Properties: the refusal reason follows the layout's check order (flag, then
// lengths, then the hostname rules of section 7, checked against an
// independent table-driven UTF-8 reference); an accepted payload is exactly
// 122 + n bytes with n = its length byte (1..255), its fields are the bytes at
// the spec's offsets, the signed bytes are "ilnp-overlay discovery v1" followed
// by the payload up to the signature, and it re-encodes to exactly the input.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "fuzz_check.hpp"
#include "ilnp/core/security/identity.hpp"
#include "ilnp/core/wire/secure_messages.hpp"

namespace {

using ilnp::DropReason;
namespace wire = ilnp::wire;

constexpr std::size_t kFixed = 58;      // flag, NID, locator, timestamp, key, length
constexpr std::size_t kSignature = 64;
constexpr std::string_view kDomain = "ilnp-overlay discovery v1";

std::uint64_t be64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

// Well-formed UTF-8 by the byte ranges of the Unicode Standard, Table 3-7,
// without ASCII controls (< 0x20, 0x7f): section 7's hostname rules.
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
    std::uint8_t low = 0x80, high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead == 0xe0) length = 3, low = 0xa0;
    else if ((lead >= 0xe1 && lead <= 0xec) || lead == 0xee || lead == 0xef) length = 3;
    else if (lead == 0xed) length = 3, high = 0x9f;
    else if (lead == 0xf0) length = 4, low = 0x90;
    else if (lead >= 0xf1 && lead <= 0xf3) length = 4;
    else if (lead == 0xf4) length = 4, high = 0x8f;
    else return false;
    if (s.size() - i < length || s[i + 1] < low || s[i + 1] > high) return false;
    for (std::size_t k = 2; k < length; ++k)
      if (s[i + k] < 0x80 || s[i + k] > 0xbf) return false;
    i += length;
  }
  return true;
}

// The layout of section 9, checked in order; the decoder's reasons.
std::optional<DropReason> spec_refusal(std::span<const std::uint8_t> p) {
  if (p.empty()) return DropReason::truncated_secure_message;
  if (p[0] > 1) return DropReason::bad_discovery_flag;
  if (p.size() < kFixed) return DropReason::truncated_secure_message;
  std::size_t n = p[kFixed - 1];
  if (n == 0) return DropReason::empty_hostname;
  if (p.size() != kFixed + n + kSignature) return DropReason::truncated_secure_message;
  if (!reference_clean_utf8(p.subspan(kFixed, n))) return DropReason::hostname_not_utf8;
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> raw(data, size);
  wire::Bytes in(reinterpret_cast<const std::byte*>(data), size);
  auto decoded = wire::decode_secure_discovery(in);
  auto refusal = spec_refusal(raw);

  ILNP_FUZZ_CHECK(decoded.ok() == !refusal.has_value());
  if (!decoded) {
    ILNP_FUZZ_CHECK(decoded.error() == *refusal);
    return 0;
  }
  const auto& m = *decoded;
  std::size_t n = data[kFixed - 1];
  ILNP_FUZZ_CHECK(size == 122 + n);
  ILNP_FUZZ_CHECK(m.hostname.size() == n && n >= 1 && n <= 255);
  ILNP_FUZZ_CHECK(m.solicitation == (data[0] == 1));
  ILNP_FUZZ_CHECK(m.nid.value == be64(data + 1));
  ILNP_FUZZ_CHECK(m.locator.value == be64(data + 9));
  ILNP_FUZZ_CHECK(m.timestamp == be64(data + 17));
  ILNP_FUZZ_CHECK(std::ranges::equal(m.key, in.subspan(25, 32)));
  ILNP_FUZZ_CHECK(std::ranges::equal(m.hostname, raw.subspan(kFixed, n), [](char c, std::uint8_t b) {
    return static_cast<std::uint8_t>(c) == b;
  }));
  ILNP_FUZZ_CHECK(std::ranges::equal(m.signature, in.subspan(kFixed + n, kSignature)));

  // The signature covers the domain and every byte before the signature.
  auto signed_bytes = wire::secure_discovery_signed_bytes(m);
  ILNP_FUZZ_CHECK(signed_bytes.size() == kDomain.size() + kFixed + n);
  ILNP_FUZZ_CHECK(std::ranges::equal(wire::Bytes(signed_bytes).first(kDomain.size()), wire::as_bytes(kDomain)));
  ILNP_FUZZ_CHECK(std::ranges::equal(wire::Bytes(signed_bytes).subspan(kDomain.size()), in.first(kFixed + n)));

  // What the node checks next must cope with any key and signature bytes.
  (void)ilnp::security::nid_of(m.key);
  (void)ilnp::security::verify(m.key, signed_bytes, m.signature);

  auto again = wire::encode_secure_discovery(m);
  ILNP_FUZZ_CHECK(std::ranges::equal(again, in));
  return 0;
}
