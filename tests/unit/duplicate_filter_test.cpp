// Copies of a datagram (fewer hops left, or too soon) are caught; the sender
// repeating itself later is not; the table is bounded and digests ignore the
// hop limit only.
#include <gtest/gtest.h>

#include "ilnp/core/forwarding/duplicate_filter.hpp"
#include "ilnp/core/wire/header.hpp"

namespace ilnp {
namespace {

using namespace std::chrono_literals;
using forwarding::DuplicateFilter;

TEST(DuplicateFilter, LongerWayCopiesWithinTheWindowAreDuplicates) {
  DuplicateFilter f(500ms, 10ms, 64);
  Instant t0{};
  EXPECT_TRUE(f.first_sighting(7, t0, 5));
  EXPECT_FALSE(f.first_sighting(7, t0 + 5ms, 5));    // an equally short path, soon after
  EXPECT_TRUE(f.first_sighting(7, t0 + 100ms, 5));   // the sender again, byte for byte
  EXPECT_FALSE(f.first_sighting(7, t0 + 300ms, 3));  // round a loop
  EXPECT_FALSE(f.first_sighting(7, t0 + 550ms, 4));  // a loop copy of that repeat
  EXPECT_TRUE(f.first_sighting(7, t0 + 600ms, 2));   // the window is over
  EXPECT_TRUE(f.first_sighting(8, t0 + 600ms, 2));
}

TEST(DuplicateFilter, WithoutHopLimitsEveryCopyInTheWindowIsADuplicate) {
  DuplicateFilter f(2s, 2s, 64);
  Instant t0{};
  EXPECT_TRUE(f.first_sighting(7, t0));
  EXPECT_FALSE(f.first_sighting(7, t0 + 1999ms));
  EXPECT_TRUE(f.first_sighting(7, t0 + 2s));
}

TEST(DuplicateFilter, FullBucketsForgetTheOldestEntry) {
  DuplicateFilter f(10s, 10s, 16);
  Instant t0{};
  // Far more keys than the capacity: none is refused, memory stays fixed.
  for (std::uint64_t k = 0; k < 10'000; ++k) ASSERT_TRUE(f.first_sighting(k, t0 + std::chrono::microseconds(k)));
  EXPECT_TRUE(f.first_sighting(0, t0 + 1s));          // long forgotten
  EXPECT_FALSE(f.first_sighting(9'999, t0 + 1s));     // the newest is remembered
}

TEST(DuplicateFilter, DatagramDigestIgnoresOnlyTheHopLimit) {
  wire::Header h;
  h.next_header = 42;
  h.hop_limit = 5;
  h.source = Ilv{Locator{0xb}, Nid{0xb}};
  h.destination = Ilv{Locator{0xa}, Nid{0xa}};
  wire::Buffer payload(200, std::byte{1});
  auto a = wire::encode_packet(h, payload);
  auto b = a;
  b[wire::kHopLimitOffset] = std::byte{2};
  EXPECT_EQ(forwarding::datagram_digest(a), forwarding::datagram_digest(b));
  auto c = a;
  c[wire::kHeaderSize + 10] = std::byte{2};  // within the prefix
  EXPECT_NE(forwarding::datagram_digest(a), forwarding::datagram_digest(c));
  auto d = a;
  d[39] = std::byte{0x0c};  // destination NID
  EXPECT_NE(forwarding::datagram_digest(a), forwarding::datagram_digest(d));
  // Beyond the prefix only the length counts (in the header).
  auto e = a;
  e.back() = std::byte{9};
  EXPECT_EQ(forwarding::datagram_digest(a), forwarding::datagram_digest(e));
}

}  // namespace
}  // namespace ilnp
