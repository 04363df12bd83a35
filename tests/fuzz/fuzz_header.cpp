// Fuzz target for wire::decode_header (proto/README.md sections 3 and 7).
// Properties: the refusal reason follows the spec's check order; an accepted
// datagram re-encodes (header + payload) to exactly the input bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "fuzz_check.hpp"
#include "ilnp/core/wire/header.hpp"

namespace {

using ilnp::DropReason;
namespace wire = ilnp::wire;

// Section 7, "Header": the first failing check names the reason.
std::optional<DropReason> spec_refusal(const std::uint8_t* data, std::size_t size, std::size_t max_datagram) {
  if (size < wire::kHeaderSize) return DropReason::short_header;
  if (size > max_datagram) return DropReason::datagram_too_large;
  auto payload_length = static_cast<std::size_t>((data[4] << 8) | data[5]);
  if (payload_length != size - wire::kHeaderSize) return DropReason::payload_length_mismatch;
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  wire::Bytes in(reinterpret_cast<const std::byte*>(data), size);
  auto decoded = wire::decode_header(in, wire::kDefaultBufferSize);
  auto refusal = spec_refusal(data, size, wire::kDefaultBufferSize);

  ILNP_FUZZ_CHECK(decoded.ok() == !refusal.has_value());
  if (!decoded) {
    ILNP_FUZZ_CHECK(decoded.error() == *refusal);
    return 0;
  }
  // Every field is kept: encoding it again gives back the same datagram.
  auto again = wire::encode_packet(*decoded, in.subspan(wire::kHeaderSize));
  ILNP_FUZZ_CHECK(std::ranges::equal(again, in));
  ILNP_FUZZ_CHECK(decoded->hop_limit == data[wire::kHopLimitOffset]);
  // The limit is the caller's buffer size, inclusive.
  ILNP_FUZZ_CHECK(wire::decode_header(in, size).ok());
  auto over = wire::decode_header(in, size - 1);
  ILNP_FUZZ_CHECK(!over.ok() && over.error() == DropReason::datagram_too_large);
  return 0;
}
