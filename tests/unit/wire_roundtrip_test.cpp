// Encode/decode round trips and the edges the vectors do not enumerate.
#include <gtest/gtest.h>

#include "ilnp/core/rng.hpp"
#include "ilnp/core/wire/header.hpp"
#include "ilnp/core/wire/messages.hpp"

namespace ilnp {
namespace {

TEST(WireRoundTrip, RandomHeadersSurviveEncodeDecode) {
  Rng rng(7);
  for (int i = 0; i < 1000; ++i) {
    wire::Header h;
    h.version_class_flow = static_cast<std::uint32_t>(rng.next());
    h.next_header = static_cast<std::uint8_t>(rng.next());
    h.hop_limit = static_cast<std::uint8_t>(rng.next());
    h.source = Ilv{Locator{rng.next()}, Nid{rng.next()}};
    h.destination = Ilv{Locator{rng.next()}, Nid{rng.next()}};
    wire::Buffer payload(static_cast<std::size_t>(rng.next() % 1400), std::byte{0x5a});
    auto bytes = wire::encode_packet(h, payload);
    auto back = wire::decode_header(bytes);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->source, h.source);
    EXPECT_EQ(back->destination, h.destination);
    EXPECT_EQ(back->payload_length, payload.size());
    EXPECT_EQ(back->hop_limit, h.hop_limit);
  }
}

TEST(WireRoundTrip, DatagramLimitFollowsBufferSize) {
  wire::Header h;
  wire::Buffer payload(2000);
  auto bytes = wire::encode_packet(h, payload);
  EXPECT_EQ(wire::decode_header(bytes).error(), DropReason::datagram_too_large);
  EXPECT_TRUE(wire::decode_header(bytes, 65487).ok());
}

TEST(WireRoundTrip, Utf8EdgeCodePoints) {
  EXPECT_TRUE(wire::is_clean_utf8("\xed\x9f\xbf"));      // U+D7FF
  EXPECT_TRUE(wire::is_clean_utf8("\xee\x80\x80"));      // U+E000
  EXPECT_TRUE(wire::is_clean_utf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
  EXPECT_FALSE(wire::is_clean_utf8("\xf4\x90\x80\x80")); // U+110000
  EXPECT_FALSE(wire::is_clean_utf8("\xe0\x80\xaf"));     // overlong
  EXPECT_FALSE(wire::is_clean_utf8("a\tb"));
}

TEST(WireRoundTrip, TransportCarriesDataUnchanged) {
  std::string text = "hello over the overlay";
  auto bytes = wire::encode_transport(1000, 2000, wire::as_bytes(text));
  auto seg = wire::decode_transport(bytes);
  ASSERT_TRUE(seg.ok());
  EXPECT_EQ(seg->source_port, 1000);
  EXPECT_EQ(seg->destination_port, 2000);
  EXPECT_EQ(wire::as_text(seg->data), text);
}

}  // namespace
}  // namespace ilnp
