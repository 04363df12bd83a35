// The relay hub's address cookies in injected time: a cookie lives one to two
// buckets and only for its address and port; a spoofed registration flood
// creates no membership and gets back fewer bytes than it sent; a source's
// share of the table is capped; a rebound member proves its new address.
#include <gtest/gtest.h>

#include "ilnp/core/hub/cookie.hpp"
#include "ilnp/core/hub/member.hpp"
#include "ilnp/core/hub/membership.hpp"

namespace ilnp::hub {
namespace {

using namespace std::chrono_literals;
constexpr Locator E{0xe};
constexpr std::uint64_t kWall = 1'700'000'000'000'000;
const Instant t0 = Instant{} + 1h;  // well inside a bucket count > 0

security::Identity identity(std::uint8_t tag) {
  security::Seed seed{};
  seed.fill(static_cast<std::byte>(tag));
  return security::Identity::from_seed(seed);
}

Endpoint at(std::uint8_t a, std::uint8_t b, std::uint16_t port) {
  Endpoint e;
  e.address = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 51, a, b};
  e.port = port;
  return e;
}

CookieSecret secret(std::uint8_t tag) {
  CookieSecret s{};
  s.fill(std::byte{tag});
  return s;
}

TEST(HubCookie, ValidForOneToTwoPeriodsAndOnlyForItsAddressAndPort) {
  CookieJar jar(secret(7), 120s);
  auto victim = at(1, 1, 4000);
  auto start = Instant{} + 120s * 10;  // the first instant of bucket 10
  auto cookie = jar.make(start, victim);
  EXPECT_TRUE(jar.valid(start, victim, cookie));
  EXPECT_TRUE(jar.valid(start + 119s, victim, cookie));
  EXPECT_TRUE(jar.valid(start + 239s, victim, cookie));  // the next bucket still takes it
  EXPECT_FALSE(jar.valid(start + 240s, victim, cookie));
  EXPECT_FALSE(jar.valid(start - 1s, victim, cookie));  // from a bucket that had not begun
  EXPECT_FALSE(jar.valid(start, at(1, 1, 4001), cookie));
  EXPECT_FALSE(jar.valid(start, at(1, 2, 4000), cookie));
  EXPECT_FALSE(CookieJar(secret(8), 120s).valid(start, victim, cookie));  // another hub's secret
  auto flipped = cookie;
  flipped[15] ^= std::byte{1};
  EXPECT_FALSE(jar.valid(start, victim, flipped));
  EXPECT_NE(jar.make(start + 120s, victim), cookie);  // a new bucket, a new cookie
}

// The attack of issue 15: registrations with fresh keys spoofed from the
// victim's address, then data. Nothing joins; the victim gets a few cookie
// challenges, each smaller than the registration that caused it.
TEST(HubCookie, SpoofedRegistrationsCreateNoMembershipAndNoAmplification) {
  MembershipTable table(HubConfig{.cookie_secret = secret(1)});
  auto victim = at(1, 1, 4000);
  std::size_t bytes_in = 0, bytes_out = 0;
  for (int i = 0; i < 1000; ++i) {
    security::Seed seed{};
    seed[0] = std::byte{static_cast<std::uint8_t>(i)};
    seed[1] = std::byte{static_cast<std::uint8_t>(i >> 8)};
    seed[2] = std::byte{0x55};
    auto key = security::Identity::from_seed(seed);
    auto frame = encode_registration({.locator = E, .timestamp_us = kWall}, &key);
    auto outcome = table.handle_registration(t0 + std::chrono::milliseconds(i), kWall, victim, frame);
    EXPECT_TRUE(outcome.unverified);
    EXPECT_LE(outcome.reply.size(), frame.size());
    bytes_in += frame.size();
    bytes_out += outcome.reply.size();
  }
  EXPECT_EQ(table.member_count(), 0u);
  EXPECT_EQ(table.counters().unverified, 1000u);
  EXPECT_EQ(table.counters().challenges, 10u);  // the per-address budget in the first second
  EXPECT_LT(bytes_out * 100, bytes_in);
  // A guessed cookie is no better than none.
  auto mallory = identity(9);
  auto forged = encode_registration({.locator = E, .timestamp_us = kWall, .cookie = Cookie{}}, &mallory);
  EXPECT_TRUE(table.handle_registration(t0 + 2s, kWall, victim, forged).unverified);
}

TEST(HubCookie, LegacyRegistrationsNeedTheCookieTooAndTheChallengeIsSmaller) {
  MembershipTable table(HubConfig{.secure = false, .cookie_secret = secret(2)});
  auto node = at(2, 2, 5000);
  auto bare = encode_registration({.locator = E, .nid = Nid{5}, .timestamp_us = kWall}, nullptr);
  auto outcome = table.handle_registration(t0, kWall, node, bare);
  ASSERT_TRUE(outcome.unverified);
  EXPECT_LT(outcome.reply.size(), bare.size());
  auto challenge = decode_cookie_challenge(outcome.reply);
  ASSERT_TRUE(challenge);
  EXPECT_EQ(challenge->timestamp_us, kWall);
  auto with_cookie =
      encode_registration({.locator = E, .nid = Nid{5}, .timestamp_us = kWall + 1, .cookie = challenge->cookie}, nullptr);
  EXPECT_EQ(with_cookie.size(), kRegistrationSize + kCookieSize);
  EXPECT_EQ(table.handle_registration(t0 + 1s, kWall + 1, node, with_cookie).status, ReplyStatus::accepted);
  EXPECT_EQ(table.member_count(), 1u);
}

TEST(HubCookie, OneAddressAndOnePrefixHoldOnlyTheirShare) {
  HubConfig config{.max_members_per_address = 2, .max_members_per_prefix = 3, .cookie_secret = secret(3)};
  MembershipTable table(config);
  auto join = [&](std::uint8_t tag, const Endpoint& from) {
    auto id = identity(tag);
    auto frame = encode_registration({.locator = E, .timestamp_us = kWall, .cookie = table.cookie_for(t0, from)}, &id);
    return table.handle_registration(t0, kWall, from, frame).status;
  };
  EXPECT_EQ(join(1, at(3, 1, 1)), ReplyStatus::accepted);
  EXPECT_EQ(join(2, at(3, 1, 2)), ReplyStatus::accepted);
  EXPECT_EQ(join(3, at(3, 1, 3)), ReplyStatus::source_full);  // the address holds two
  EXPECT_EQ(join(4, at(3, 2, 1)), ReplyStatus::accepted);
  EXPECT_EQ(join(5, at(3, 3, 1)), ReplyStatus::source_full);  // the /24 holds three
  EXPECT_EQ(join(6, at(4, 1, 1)), ReplyStatus::accepted);     // another /24
  EXPECT_EQ(table.member_count(), 4u);
  EXPECT_EQ(table.counters().refusals[static_cast<std::size_t>(ReplyStatus::source_full)], 2u);
  // Expiry gives the share back.
  EXPECT_EQ(table.expire(t0 + 90s).size(), 4u);
  EXPECT_EQ(join(7, at(3, 1, 9)), ReplyStatus::accepted);
}

// A NAT rebinding: the member's old cookie is refused at its new address, the
// challenge teaches it the new one, and its next registration rebinds it.
TEST(HubCookie, ARebindingMemberProvesItsNewAddress) {
  MembershipTable table(HubConfig{.cookie_secret = secret(4)});
  auto alice = identity(1);
  HubMember member({.keepalive = 20s, .retry = 1s, .notice_gap = 1s}, &alice, Nid{});
  auto old_address = at(5, 1, 20000), new_address = at(5, 2, 30000);
  auto now = t0;
  std::uint64_t wall = kWall;
  Endpoint where = old_address;
  // Runs the member against the table until nothing is due: registrations in,
  // replies and challenges back.
  auto exchange = [&] {
    for (int round = 0; round < 4; ++round) {
      std::vector<OutgoingRegistration> out;
      member.poll(now, wall, out);
      for (auto& r : out) {
        auto outcome = table.handle_registration(now, wall, where, r.frame);
        if (!outcome.reply.empty()) (void)member.handle_control(now, outcome.reply);
      }
      now += 10ms;
      wall += 10'000;
    }
  };
  member.join(now, E);
  exchange();
  ASSERT_TRUE(member.registered(E));
  EXPECT_EQ(table.counters().joins, 1u);
  EXPECT_EQ(table.counters().challenges, 1u);

  now += 5s;  // past the member's gap between early registrations
  wall += 5'000'000;
  where = new_address;  // the NAT rebinds; the hub tells it on its next data frame
  (void)member.handle_control(now, encode_unknown_sender(E));
  exchange();
  EXPECT_EQ(table.counters().rebinds, 1u);
  EXPECT_EQ(table.counters().challenges, 2u);
  EXPECT_EQ(table.member_count(), 1u);
  EXPECT_TRUE(member.registered(E));
}

}  // namespace
}  // namespace ilnp::hub
