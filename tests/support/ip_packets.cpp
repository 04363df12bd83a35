#include "ip_packets.hpp"

#include "ilnp/core/wire/header.hpp"

namespace ilnp::testing {

wire::Buffer identifier_packet(tun::IdentifierPrefix prefix, Nid from, Nid to, wire::Bytes body,
                               std::uint8_t next_header, std::uint8_t hop_limit) {
  wire::Header h;
  h.version_class_flow = 0x6000'0000;
  h.next_header = next_header;
  h.hop_limit = hop_limit;
  h.source = Ilv{Locator{prefix.value}, from};
  h.destination = Ilv{Locator{prefix.value}, to};
  return wire::encode_packet(h, body);
}

}  // namespace ilnp::testing
