// Fuzz target for wire::decode_transport (proto/README.md sections 6 and 7).
// Properties: accepted exactly when 4 bytes or more; the ports are the two
// big-endian u16 at the front; the data is a view of the rest of the input
// (not a copy); encoding the segment again gives back the input bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "fuzz_check.hpp"
#include "ilnp/core/wire/constants.hpp"
#include "ilnp/core/wire/messages.hpp"

namespace wire = ilnp::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  wire::Bytes in(reinterpret_cast<const std::byte*>(data), size);
  auto decoded = wire::decode_transport(in);

  ILNP_FUZZ_CHECK(decoded.ok() == (size >= wire::kTransportHeaderSize));
  if (!decoded) {
    ILNP_FUZZ_CHECK(decoded.error() == ilnp::DropReason::truncated_transport);
    return 0;
  }
  const auto& segment = *decoded;
  ILNP_FUZZ_CHECK(segment.source_port == ((data[0] << 8) | data[1]));
  ILNP_FUZZ_CHECK(segment.destination_port == ((data[2] << 8) | data[3]));
  ILNP_FUZZ_CHECK(segment.data.data() == in.data() + wire::kTransportHeaderSize);
  ILNP_FUZZ_CHECK(segment.data.size() == size - wire::kTransportHeaderSize);
  auto again = wire::encode_transport(segment.source_port, segment.destination_port, segment.data);
  ILNP_FUZZ_CHECK(std::ranges::equal(again, in));
  return 0;
}
