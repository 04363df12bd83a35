// The 40-byte network header, shaped like IPv6 (proto/README.md, "Header").
// Decoding checks lengths only; what to do with the packet is forwarding's job.
#pragma once

#include <cstdint>

#include "ilnp/core/result.hpp"
#include "ilnp/core/types.hpp"
#include "ilnp/core/wire/bytes.hpp"
#include "ilnp/core/wire/constants.hpp"

namespace ilnp::wire {

struct Header {
  std::uint32_t version_class_flow{0};
  std::uint16_t payload_length{0};
  std::uint8_t next_header{0};
  std::uint8_t hop_limit{kDefaultHopLimit};
  Ilv source;
  Ilv destination;
};

inline constexpr std::size_t kHopLimitOffset = 7;

// Decodes a whole datagram's header; `max_datagram` is the link's buffer_size.
// Errors: short_header, datagram_too_large, payload_length_mismatch.
[[nodiscard]] Result<Header> decode_header(Bytes datagram, std::size_t max_datagram = kDefaultBufferSize);

// Appends the 40 header bytes to `out`.
void encode_header(const Header& header, Buffer& out);

// Header plus payload in one buffer; payload_length is set from payload.
[[nodiscard]] Buffer encode_packet(Header header, Bytes payload);

}  // namespace ilnp::wire
