// The 40-byte header codec.
#include "ilnp/core/wire/header.hpp"

namespace ilnp::wire {

Result<Header> decode_header(Bytes datagram, std::size_t max_datagram) {
  if (datagram.size() < kHeaderSize) return DropReason::short_header;
  if (datagram.size() > max_datagram) return DropReason::datagram_too_large;
  ByteReader r(datagram);
  Header h;
  // The sizes were checked above, so every read below succeeds.
  h.version_class_flow = *r.u32();
  h.payload_length = *r.u16();
  h.next_header = *r.u8();
  h.hop_limit = *r.u8();
  h.source.locator = Locator{*r.u64()};
  h.source.nid = Nid{*r.u64()};
  h.destination.locator = Locator{*r.u64()};
  h.destination.nid = Nid{*r.u64()};
  if (h.payload_length != datagram.size() - kHeaderSize) return DropReason::payload_length_mismatch;
  return h;
}

void encode_header(const Header& header, Buffer& out) {
  ByteWriter w(out);
  w.u32(header.version_class_flow);
  w.u16(header.payload_length);
  w.u8(header.next_header);
  w.u8(header.hop_limit);
  w.u64(header.source.locator.value);
  w.u64(header.source.nid.value);
  w.u64(header.destination.locator.value);
  w.u64(header.destination.nid.value);
}

Buffer encode_packet(Header header, Bytes payload) {
  Buffer out;
  out.reserve(kHeaderSize + payload.size());
  header.payload_length = static_cast<std::uint16_t>(payload.size());
  encode_header(header, out);
  ByteWriter(out).bytes(payload);
  return out;
}

}  // namespace ilnp::wire
