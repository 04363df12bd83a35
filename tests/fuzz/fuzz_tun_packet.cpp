// Fuzz target for tun::parse_tun_packet (proto/README.md section 13), the
// parser of what the kernel writes into the TUN. Properties: the refusal
// follows the spec's check order; an accepted packet maps to an overlay
// datagram of the same size that maps back to it, and so does its sealed form.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "fuzz_check.hpp"
#include "ilnp/core/tun/ip_mapping.hpp"

namespace {

using ilnp::DropReason;
namespace tun = ilnp::tun;
namespace wire = ilnp::wire;

// The vectors' prefix and alice's NID (proto/vectors/ip.vec, the seeds).
constexpr tun::IdentifierPrefix kPrefix{0xfd69'6c6e'7000'0000ULL};
constexpr ilnp::Nid kOwn{0x00a1'0000'0000'0001ULL};
constexpr std::size_t kMtu = 1440;

std::uint64_t u64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | p[i];
  return v;
}

// Section 13, "Send": the first failing check names the reason.
std::optional<DropReason> spec_refusal(const std::uint8_t* d, std::size_t size) {
  if (size < 40) return DropReason::ip_too_short;
  if (d[0] >> 4 != 6) return DropReason::ip_not_ipv6;
  if (static_cast<std::size_t>(d[4] << 8 | d[5]) != size - 40) return DropReason::ip_bad_length;
  auto destination = u64(d + 32);
  if (u64(d + 24) != kPrefix.value || destination == 0 || destination == kOwn.value)
    return DropReason::ip_not_carried;
  if (u64(d + 8) != kPrefix.value || u64(d + 16) != kOwn.value) return DropReason::ip_spoofed_source;
  if (d[6] != 6 && d[6] != 17 && d[6] != 58) return DropReason::ip_unsupported_next_header;
  if (size > kMtu) return DropReason::ip_too_big;
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  wire::Bytes in(reinterpret_cast<const std::byte*>(data), size);
  auto parsed = tun::parse_tun_packet(in, kPrefix, kOwn, kMtu);
  auto refusal = spec_refusal(data, size);
  ILNP_FUZZ_CHECK(parsed.ok() == !refusal.has_value());
  if (!parsed) {
    ILNP_FUZZ_CHECK(parsed.error() == *refusal);
    // A packet refused only for its size gets a Packet Too Big of at most 1280 bytes.
    if (parsed.error() == DropReason::ip_too_big)
      ILNP_FUZZ_CHECK(tun::packet_too_big(in, kMtu).size() == tun::kMinimumMtu);
    return 0;
  }
  ILNP_FUZZ_CHECK(parsed->destination.value == u64(data + 32));
  auto overlay = tun::to_overlay(in, ilnp::Locator{0xa}, ilnp::Locator{0xb});
  ILNP_FUZZ_CHECK(overlay.size() == size);
  auto header = wire::decode_header(overlay, kMtu);
  ILNP_FUZZ_CHECK(header.ok() && header->source.locator.value == 0xa && header->destination.locator.value == 0xb);
  auto back = tun::from_overlay(overlay, kPrefix);
  ILNP_FUZZ_CHECK(back.ok() && std::ranges::equal(*back, in));
  auto sealed = tun::from_sealed_ip(*header, tun::sealed_ip_plaintext(in), kPrefix);
  ILNP_FUZZ_CHECK(sealed.ok() && std::ranges::equal(*sealed, in));
  return 0;
}
