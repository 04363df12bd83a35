// The four-group hex notation of locators and NIDs.
#include <gtest/gtest.h>

#include "ilnp/core/types.hpp"

namespace ilnp {
namespace {

TEST(Hex64, FormatsWithoutLeadingZeros) {
  EXPECT_EQ(format_hex64(0xa), "0:0:0:a");
  EXPECT_EQ(format_hex64(0xffff00000000000bULL), "ffff:0:0:b");
  EXPECT_EQ(kAllNodes.to_string(), "ff02:0:0:1");
  EXPECT_EQ(format_hex64(~0ULL), "ffff:ffff:ffff:ffff");
}

TEST(Hex64, ParsesExactlyFourGroups) {
  EXPECT_EQ(parse_hex64("0:0:0:a"), 0xaULL);
  EXPECT_EQ(parse_hex64("FFFF:0:0:B"), 0xffff00000000000bULL);
  EXPECT_EQ(parse_hex64("0001:0002:0003:0004"), 0x0001000200030004ULL);
  for (auto bad : {"", "0:0:a", "0:0:0:0:a", "0:0:0:", ":0:0:0", "0:0:0:g", "0:0:0:12345", "0::0:a", "0:0:0:-1",
                   "0:0:0:+1", " 0:0:0:a", "0:0:0:a "})
    EXPECT_FALSE(parse_hex64(bad)) << bad;
}

TEST(Hex64, RoundTrips) {
  for (std::uint64_t v : {0ULL, 1ULL, 0x1234567890abcdefULL, ~0ULL}) EXPECT_EQ(parse_hex64(format_hex64(v)), v);
}

}  // namespace
}  // namespace ilnp
