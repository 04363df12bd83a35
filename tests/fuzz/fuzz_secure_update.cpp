// Fuzz target for wire::decode_secure_update (next header 46, proto/README.md
// section 9): signed locator updates and acknowledgements.
// Properties: the refusal reason follows the layout's check order (kind, then
// each field's length, count 1..16, nothing after the signature); an accepted
// update is 1 + 8 + 1 + 8n + 32 + 64 bytes (n = 1..16) and an ack 113; its
// fields are the bytes at the spec's offsets; the signed bytes are
// "ilnp-overlay update v1" || source NID || destination NID || the payload up
// to the signature; verification copes with any key; the payload re-encodes
// to exactly the input.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "fuzz_check.hpp"
#include "ilnp/core/security/identity.hpp"
#include "ilnp/core/wire/constants.hpp"
#include "ilnp/core/wire/secure_messages.hpp"

namespace {

using ilnp::DropReason;
namespace wire = ilnp::wire;

constexpr std::size_t kKey = 32, kSignature = 64;
constexpr std::size_t kAckSize = 1 + 8 + 8 + kKey + kSignature;  // 113
constexpr std::string_view kDomain = "ilnp-overlay update v1";

std::uint64_t be64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

// The layout of section 9, checked in order; the decoder's reasons.
std::optional<DropReason> spec_refusal(std::span<const std::uint8_t> p) {
  if (p.empty()) return DropReason::truncated_secure_message;
  if (p[0] > 1) return DropReason::bad_locator_update_flag;
  std::size_t expected = 0;
  if (p[0] == 0) {
    expected = kAckSize;
  } else {
    if (p.size() < 10) return DropReason::truncated_secure_message;
    std::size_t n = p[9];
    if (n == 0) return DropReason::bad_locator_update_length;
    if (n > wire::kMaxUpdateLocators) return DropReason::too_many_locators;
    expected = 10 + 8 * n + kKey + kSignature;
  }
  if (p.size() < expected) return DropReason::truncated_secure_message;
  if (p.size() > expected) return DropReason::bad_locator_update_length;
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> raw(data, size);
  wire::Bytes in(reinterpret_cast<const std::byte*>(data), size);
  auto decoded = wire::decode_secure_update(in);
  auto refusal = spec_refusal(raw);

  ILNP_FUZZ_CHECK(decoded.ok() == !refusal.has_value());
  if (!decoded) {
    ILNP_FUZZ_CHECK(decoded.error() == *refusal);
    return 0;
  }
  const auto& m = *decoded;
  ILNP_FUZZ_CHECK(m.is_ack == (data[0] == 0));
  ILNP_FUZZ_CHECK(m.sequence == be64(data + 1));
  std::size_t body_end = 0;
  if (m.is_ack) {
    ILNP_FUZZ_CHECK(size == kAckSize);
    ILNP_FUZZ_CHECK(m.locators.empty());
    ILNP_FUZZ_CHECK(m.acknowledges == be64(data + 9));
    body_end = 17;
  } else {
    std::size_t n = m.locators.size();
    ILNP_FUZZ_CHECK(n >= 1 && n <= wire::kMaxUpdateLocators && n == data[9]);
    ILNP_FUZZ_CHECK(size == 1 + 8 + 1 + 8 * n + kKey + kSignature);
    for (std::size_t i = 0; i < n; ++i) ILNP_FUZZ_CHECK(m.locators[i].value == be64(data + 10 + 8 * i));
    body_end = 10 + 8 * n;
  }
  ILNP_FUZZ_CHECK(std::ranges::equal(m.key, in.subspan(body_end, kKey)));
  ILNP_FUZZ_CHECK(std::ranges::equal(m.signature, in.subspan(body_end + kKey, kSignature)));

  // Both header NIDs are covered; take them from the input's own bytes.
  ilnp::Nid source{be64(data + 1)}, destination{~be64(data + 1)};
  auto signed_bytes = wire::secure_update_signed_bytes(m, source, destination);
  ILNP_FUZZ_CHECK(signed_bytes.size() == kDomain.size() + 16 + size - kSignature);
  wire::Bytes s(signed_bytes);
  ILNP_FUZZ_CHECK(std::ranges::equal(s.first(kDomain.size()), wire::as_bytes(kDomain)));
  ILNP_FUZZ_CHECK(std::ranges::equal(s.subspan(kDomain.size(), 8), in.subspan(1, 8)));
  for (std::size_t i = 0; i < 8; ++i)
    ILNP_FUZZ_CHECK(std::to_integer<std::uint8_t>(s[kDomain.size() + 8 + i]) == static_cast<std::uint8_t>(~data[1 + i]));
  ILNP_FUZZ_CHECK(std::ranges::equal(s.subspan(kDomain.size() + 16), in.first(size - kSignature)));

  (void)ilnp::security::nid_of(m.key);
  (void)ilnp::security::verify(m.key, signed_bytes, m.signature);

  auto again = wire::encode_secure_update(m);
  ILNP_FUZZ_CHECK(std::ranges::equal(again, in));
  return 0;
}
