// Discovery, locator update and transport payload codecs.
#include "ilnp/core/wire/messages.hpp"

#include "ilnp/core/wire/constants.hpp"

namespace ilnp::wire {

bool is_clean_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    std::uint32_t min = 0;
    if ((c & 0xe0) == 0xc0) {
      extra = 1, cp = c & 0x1fU, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2, cp = c & 0x0fU, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3, cp = c & 0x07U, min = 0x10000;
    } else {
      return false;
    }
    if (text.size() - i <= extra) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3fU);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += extra + 1;
  }
  return true;
}

Result<Discovery> decode_discovery(Bytes payload) {
  ByteReader r(payload);
  if (r.remaining() < kDiscoveryFixedSize) return DropReason::truncated_discovery;
  Discovery d;
  d.nid = Nid{*r.u64()};
  d.locator = Locator{*r.u64()};
  auto flag = *r.u8();
  if (flag > 1) return DropReason::bad_discovery_flag;
  d.solicitation = flag == 1;
  auto name = as_text(r.rest());
  if (name.empty()) return DropReason::empty_hostname;
  if (name.size() > kMaxHostnameBytes) return DropReason::hostname_too_long;
  if (!is_clean_utf8(name)) return DropReason::hostname_not_utf8;
  d.hostname.assign(name);
  return d;
}

Buffer encode_discovery(const Discovery& message) {
  Buffer out;
  out.reserve(kDiscoveryFixedSize + message.hostname.size());
  ByteWriter w(out);
  w.u64(message.nid.value);
  w.u64(message.locator.value);
  w.u8(message.solicitation ? 1 : 0);
  w.text(message.hostname);
  return out;
}

Result<LocatorUpdate> decode_locator_update(Bytes payload) {
  ByteReader r(payload);
  auto flag = r.u8();
  if (!flag) return DropReason::truncated_locator_update;
  if (*flag > 1) return DropReason::bad_locator_update_flag;
  LocatorUpdate u;
  u.is_ack = *flag == 0;
  if (u.is_ack) {
    if (r.remaining() != 0) return DropReason::bad_locator_update_length;
    return u;
  }
  if (r.remaining() == 0 || r.remaining() % 8 != 0) return DropReason::bad_locator_update_length;
  if (r.remaining() / 8 > kMaxUpdateLocators) return DropReason::too_many_locators;
  while (r.remaining() > 0) u.locators.push_back(Locator{*r.u64()});
  return u;
}

Buffer encode_locator_update(const LocatorUpdate& message) {
  Buffer out;
  ByteWriter w(out);
  w.u8(message.is_ack ? 0 : 1);
  for (auto l : message.locators) w.u64(l.value);
  return out;
}

Result<TransportSegment> decode_transport(Bytes payload) {
  ByteReader r(payload);
  if (r.remaining() < kTransportHeaderSize) return DropReason::truncated_transport;
  TransportSegment s;
  s.source_port = *r.u16();
  s.destination_port = *r.u16();
  s.data = r.rest();
  return s;
}

Buffer encode_transport(Port source_port, Port destination_port, Bytes data) {
  Buffer out;
  out.reserve(kTransportHeaderSize + data.size());
  ByteWriter w(out);
  w.u16(source_port);
  w.u16(destination_port);
  w.bytes(data);
  return out;
}

}  // namespace ilnp::wire
