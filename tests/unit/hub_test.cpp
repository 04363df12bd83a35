// The relay hub's core: frame codecs, membership with expiry, fan-out and
// unicast decisions, signatures, replay and key restriction, and the member's
// registration schedule. Fixed keys (seeds of one repeated byte) and times.
#include <gtest/gtest.h>

#include "fixed_identity.hpp"
#include "ilnp/core/hub/member.hpp"
#include "ilnp/core/hub/membership.hpp"
#include "ilnp/core/hub/source_budget.hpp"
#include "ilnp/core/wire/header.hpp"

namespace ilnp::hub {
namespace {

using namespace std::chrono_literals;
constexpr Locator E{0xe}, F{0xf};
constexpr std::uint64_t kWall = 1'700'000'000'000'000;  // unix µs at t0
const Instant t0{};

using testing::fixed_identity;

Endpoint endpoint(std::uint8_t host, std::uint16_t port) {
  Endpoint e;
  e.address = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, host};
  e.port = port;
  return e;
}

wire::Buffer registration(const security::Identity& id, Locator l, std::uint64_t ts, bool leave = false,
                          std::optional<Cookie> cookie = std::nullopt) {
  return encode_registration({.locator = l, .timestamp_us = ts, .leave = leave, .cookie = cookie}, &id);
}

// A registration that carries the table's cookie for `from` at `now`: the
// sender proved it receives there.
wire::Buffer verified(const MembershipTable& table, Instant now, const Endpoint& from, const security::Identity& id,
                      Locator l, std::uint64_t ts, bool leave = false) {
  return registration(id, l, ts, leave, table.cookie_for(now, from));
}
wire::Buffer verified_unsigned(const MembershipTable& table, Instant now, const Endpoint& from, Registration r) {
  r.cookie = table.cookie_for(now, from);
  return encode_registration(r, nullptr);
}

wire::Buffer data_frame(Locator link, Ilv destination, std::size_t payload = 8) {
  wire::Header h;
  h.next_header = 42;
  h.source = {link, Nid{0x1111}};
  h.destination = destination;
  auto packet = wire::encode_packet(h, wire::Buffer(payload, std::byte{0x5a}));
  auto prefix = data_prefix(link);
  packet.insert(packet.begin(), prefix.begin(), prefix.end());
  return packet;
}

TEST(HubFrames, RegistrationRoundTripsAndEveryCutIsRefused) {
  auto alice = fixed_identity(1);
  auto signed_frame = registration(alice, E, kWall);
  ASSERT_EQ(signed_frame.size(), kSignedRegistrationSize);
  auto r = decode_registration(signed_frame);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->locator, E);
  EXPECT_EQ(r->nid, alice.nid());
  EXPECT_EQ(r->timestamp_us, kWall);
  EXPECT_FALSE(r->leave);
  ASSERT_TRUE(r->key);
  EXPECT_TRUE(security::verify(*r->key, registration_signed_bytes(signed_frame), r->signature));
  for (std::size_t cut = 0; cut < signed_frame.size(); ++cut)
    EXPECT_FALSE(decode_registration(wire::Bytes(signed_frame).first(cut))) << cut;

  auto legacy = encode_registration({.locator = F, .nid = Nid{7}, .timestamp_us = 5, .leave = true}, nullptr);
  ASSERT_EQ(legacy.size(), kRegistrationSize);
  auto l = decode_registration(legacy);
  ASSERT_TRUE(l);
  EXPECT_TRUE(l->leave);
  EXPECT_FALSE(l->key);
  EXPECT_EQ(l->nid, Nid{7});

  auto unknown_flag = legacy;
  unknown_flag[1] |= std::byte{0x80};
  EXPECT_FALSE(decode_registration(unknown_flag));
  auto signed_flag_on_short = legacy;
  signed_flag_on_short[1] |= std::byte{kFlagSigned};
  EXPECT_FALSE(decode_registration(signed_flag_on_short));
}

TEST(HubFrames, RepliesNoticesAndDataPrefix) {
  Reply reply{ReplyStatus::key_not_allowed, E, Nid{9}, 1234, 90};
  auto bytes = encode_reply(reply);
  ASSERT_EQ(bytes.size(), kReplySize);
  auto back = decode_reply(bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->status, ReplyStatus::key_not_allowed);
  EXPECT_EQ(back->expiry_s, 90);
  bytes[1] = std::byte{kReplyStatusCount};
  EXPECT_FALSE(decode_reply(bytes));
  EXPECT_EQ(decode_unknown_sender(encode_unknown_sender(F)), F);
  EXPECT_FALSE(decode_unknown_sender(encode_reply(reply)));

  auto frame = data_frame(E, {E, Nid{0x2222}});
  EXPECT_EQ(data_link(frame), E);
  EXPECT_EQ(data_destination(frame), (Ilv{E, Nid{0x2222}}));
  EXPECT_FALSE(data_link(wire::Bytes(frame).first(kDataPrefixSize + wire::kHeaderSize - 1)));
}

struct HubFixture : ::testing::Test {
  security::Identity alice = fixed_identity(1), bob = fixed_identity(2), carol = fixed_identity(3);
  Endpoint a = endpoint(1, 4000), b = endpoint(2, 4000), c = endpoint(3, 4000);
  MembershipTable table{HubConfig{}};
  std::vector<Endpoint> to;

  RegistrationOutcome reg(const security::Identity& id, const Endpoint& from, Locator l, Duration at = 0s,
                          bool leave = false) {
    auto wall = kWall + static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(at).count());
    return table.handle_registration(t0 + at, wall, from, verified(table, t0 + at, from, id, l, wall, leave));
  }
};

TEST_F(HubFixture, FansOutToOtherMembersAndUnicastsToAKnownDestination) {
  EXPECT_TRUE(reg(alice, a, E).joined);
  EXPECT_TRUE(reg(bob, b, E).joined);
  EXPECT_TRUE(reg(carol, c, E).joined);
  EXPECT_EQ(table.member_count(), 3u);

  EXPECT_EQ(table.route(a, data_frame(E, {kAllNodes, Nid{0}}), to), DataVerdict::fanout);
  std::sort(to.begin(), to.end());
  EXPECT_EQ(to, (std::vector<Endpoint>{b, c}));  // not back to the sender

  EXPECT_EQ(table.route(a, data_frame(E, {E, bob.nid()}), to), DataVerdict::unicast);
  EXPECT_EQ(to, std::vector<Endpoint>{b});
  // Another locator, or a NID not here: every member (a router may forward it).
  EXPECT_EQ(table.route(a, data_frame(E, {F, bob.nid()}), to), DataVerdict::fanout);
  EXPECT_EQ(to.size(), 2u);
  EXPECT_EQ(table.route(a, data_frame(E, {E, Nid{0x999}}), to), DataVerdict::fanout);
  EXPECT_EQ(to.size(), 2u);
  EXPECT_EQ(table.counters().unicast, 1u);
  EXPECT_EQ(table.counters().data_out, 7u);
}

TEST_F(HubFixture, DataFromNonMembersAndMalformedFramesIsDropped) {
  reg(alice, a, E);
  reg(bob, b, E);
  EXPECT_EQ(table.route(c, data_frame(E, {kAllNodes, Nid{0}}), to), DataVerdict::not_member);
  EXPECT_EQ(table.route(a, data_frame(F, {kAllNodes, Nid{0}}), to), DataVerdict::not_member);
  EXPECT_TRUE(to.empty());
  auto frame = data_frame(E, {kAllNodes, Nid{0}});
  EXPECT_EQ(table.route(a, wire::Bytes(frame).first(kDataPrefixSize + 39), to), DataVerdict::malformed);
  frame[0] = std::byte{9};
  EXPECT_EQ(table.route(a, frame, to), DataVerdict::malformed);
  EXPECT_EQ(table.counters().not_member, 2u);
  EXPECT_EQ(table.counters().malformed_data, 2u);
}

TEST_F(HubFixture, ForgedReplayedAndUnsignedRegistrationsAreRefusedAndCounted) {
  auto genuine = verified(table, t0, a, alice, E, kWall);
  EXPECT_EQ(table.handle_registration(t0, kWall, a, genuine).status, ReplyStatus::accepted);
  // The same bytes from the attacker's address: its cookie is alice's, not
  // valid there; only a cookie challenge, alice stays where she was.
  auto replay = table.handle_registration(t0 + 1s, kWall + 1'000'000, c, genuine);
  EXPECT_TRUE(replay.unverified);
  EXPECT_FALSE(replay.rebound_from);
  ASSERT_TRUE(decode_cookie_challenge(replay.reply));
  // Replayed from alice's own address (the cookie valid there): stale.
  auto replay_at_a = table.handle_registration(t0 + 1s, kWall + 1'000'000, a, genuine);
  EXPECT_EQ(replay_at_a.status, ReplyStatus::stale);
  EXPECT_FALSE(replay_at_a.rebound_from);
  reg(bob, b, E);
  EXPECT_EQ(table.route(b, data_frame(E, {E, alice.nid()}), to), DataVerdict::unicast);
  EXPECT_EQ(to, std::vector<Endpoint>{a});

  auto tampered = verified(table, t0 + 2s, c, alice, E, kWall + 2'000'000);
  tampered[20] ^= std::byte{1};  // the timestamp
  EXPECT_EQ(table.handle_registration(t0 + 2s, kWall + 2'000'000, c, tampered).status, ReplyStatus::bad_signature);
  // Mallory's key with alice's NID.
  auto claimed = verified(table, t0 + 2s, c, carol, E, kWall + 2'000'000);
  auto alice_nid = encode_registration({.locator = E, .nid = alice.nid(), .timestamp_us = 1}, nullptr);
  std::copy(alice_nid.begin() + 10, alice_nid.begin() + 18, claimed.begin() + 10);
  EXPECT_EQ(table.handle_registration(t0 + 2s, kWall + 2'000'000, c, claimed).status, ReplyStatus::nid_key_mismatch);
  auto unsigned_frame = verified_unsigned(table, t0, c, {.locator = E, .nid = Nid{5}, .timestamp_us = kWall});
  EXPECT_EQ(table.handle_registration(t0, kWall, c, unsigned_frame).status, ReplyStatus::unsigned_refused);
  // Too old by the hub's clock (a capture replayed after its member was forgotten).
  auto old = verified(table, t0 + 61s, c, carol, E, kWall);
  EXPECT_EQ(table.handle_registration(t0 + 61s, kWall + 61'000'000, c, old).status, ReplyStatus::stale);

  const auto& refusals = table.counters().refusals;
  EXPECT_EQ(refusals[static_cast<std::size_t>(ReplyStatus::stale)], 2u);
  EXPECT_EQ(table.counters().unverified, 1u);
  EXPECT_EQ(refusals[static_cast<std::size_t>(ReplyStatus::bad_signature)], 1u);
  EXPECT_EQ(refusals[static_cast<std::size_t>(ReplyStatus::nid_key_mismatch)], 1u);
  EXPECT_EQ(refusals[static_cast<std::size_t>(ReplyStatus::unsigned_refused)], 1u);
  auto reply = decode_reply(replay_at_a.reply);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, ReplyStatus::stale);
}

TEST_F(HubFixture, ANewAuthenticatedRegistrationRebindsTheMember) {
  reg(alice, a, E);
  reg(bob, b, E);
  auto moved = endpoint(1, 5555);  // the NAT gave alice another port
  EXPECT_EQ(table.route(moved, data_frame(E, {kAllNodes, Nid{0}}), to), DataVerdict::not_member);
  auto outcome = reg(alice, moved, E, 2s);
  EXPECT_EQ(outcome.status, ReplyStatus::accepted);
  EXPECT_EQ(outcome.rebound_from, a);
  EXPECT_FALSE(outcome.joined);
  EXPECT_EQ(table.route(moved, data_frame(E, {kAllNodes, Nid{0}}), to), DataVerdict::fanout);
  EXPECT_EQ(to, std::vector<Endpoint>{b});
  EXPECT_EQ(table.route(a, data_frame(E, {kAllNodes, Nid{0}}), to), DataVerdict::not_member);
  EXPECT_EQ(table.route(b, data_frame(E, {E, alice.nid()}), to), DataVerdict::unicast);
  EXPECT_EQ(to, std::vector<Endpoint>{moved});
  EXPECT_EQ(table.counters().rebinds, 1u);
  EXPECT_EQ(table.member_count(), 2u);
}

TEST_F(HubFixture, MembersExpireAndLeaveAndALeftRegistrationStaysStale) {
  reg(alice, a, E);
  reg(bob, b, E, 50s);
  EXPECT_TRUE(table.expire(t0 + 89s).empty());
  auto gone = table.expire(t0 + 90s);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].nid, alice.nid());
  EXPECT_EQ(table.member_count(), 1u);
  EXPECT_EQ(table.route(a, data_frame(E, {kAllNodes, Nid{0}}), to), DataVerdict::not_member);

  auto bob_frame = verified(table, t0 + 60s, b, bob, F, kWall + 60'000'000);
  EXPECT_EQ(table.handle_registration(t0 + 60s, kWall + 60'000'000, b, bob_frame).status, ReplyStatus::accepted);
  EXPECT_EQ(reg(bob, b, F, 61s, true).status, ReplyStatus::left);
  // bob's registration replayed right after he left: refused, he stays gone.
  EXPECT_EQ(table.handle_registration(t0 + 62s, kWall + 62'000'000, b, bob_frame).status, ReplyStatus::stale);
  reg(carol, c, F, 62s);
  EXPECT_EQ(table.route(c, data_frame(F, {kAllNodes, Nid{0}}), to), DataVerdict::fanout);
  EXPECT_TRUE(to.empty());
  EXPECT_EQ(table.counters().leaves, 1u);
  EXPECT_EQ(table.counters().expiries, 1u);
}

TEST(HubTable, CapsMembersAndRestrictsLocatorsToListedKeys) {
  auto alice = fixed_identity(1), bob = fixed_identity(2), carol = fixed_identity(3);
  HubConfig config{.max_members = 2};
  config.allowed_keys[F] = {alice.public_key()};
  MembershipTable table(config);
  auto at = [&](const security::Identity& id, Locator l, std::uint8_t host) {
    return table.handle_registration(t0, kWall, endpoint(host, 1), verified(table, t0, endpoint(host, 1), id, l, kWall))
        .status;
  };
  EXPECT_EQ(at(bob, F, 2), ReplyStatus::key_not_allowed);
  EXPECT_EQ(at(alice, F, 1), ReplyStatus::accepted);
  EXPECT_EQ(at(bob, E, 2), ReplyStatus::accepted);
  EXPECT_EQ(at(carol, E, 3), ReplyStatus::table_full);
  EXPECT_EQ(table.member_count(), 2u);
  EXPECT_EQ(table.counters().refusals[static_cast<std::size_t>(ReplyStatus::table_full)], 1u);
  EXPECT_EQ(table.counters().refusals[static_cast<std::size_t>(ReplyStatus::key_not_allowed)], 1u);
}

TEST(HubTable, LegacyHubTakesUnsignedRegistrations) {
  MembershipTable table(HubConfig{.secure = false});
  auto frame = verified_unsigned(table, t0, endpoint(1, 1), {.locator = E, .nid = Nid{5}, .timestamp_us = kWall});
  EXPECT_EQ(table.handle_registration(t0, kWall, endpoint(1, 1), frame).status, ReplyStatus::accepted);
  EXPECT_FALSE(table.handle_registration(t0, kWall, endpoint(1, 1), wire::Bytes(frame).first(25)).registration);
  EXPECT_EQ(table.counters().malformed_registrations, 1u);
}

TEST(HubMemberSchedule, RetriesUntilAcceptedThenKeepsAliveAndReactsToNotices) {
  auto alice = fixed_identity(1);
  HubMember member({.keepalive = 20s, .retry = 1s, .notice_gap = 1s}, &alice, Nid{});
  member.join(t0, E);
  std::vector<OutgoingRegistration> out;
  member.poll(t0, kWall, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(decode_registration(out[0].frame)->cookie);
  EXPECT_EQ(member.next_timeout(), t0 + 1s);  // no answer yet

  // The hub does not know our address yet: its cookie challenge makes the
  // registration due at once, and the next one carries the cookie.
  MembershipTable table{HubConfig{}};
  auto challenged = table.handle_registration(t0, kWall, endpoint(1, 1), out[0].frame);
  ASSERT_TRUE(challenged.unverified);
  EXPECT_EQ(member.handle_control(t0, challenged.reply).kind, ControlEvent::Kind::challenged);
  EXPECT_EQ(member.next_timeout(), t0);
  member.poll(t0, kWall + 1, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(decode_registration(out[1].frame)->cookie, table.cookie_for(t0, endpoint(1, 1)));
  member.poll(t0 + 1s, kWall + 1'000'000, out);
  ASSERT_EQ(out.size(), 3u);

  // An answer to the older registration does not count.
  auto first = table.handle_registration(t0 + 1s, kWall + 1'000'000, endpoint(1, 1), out[1].frame);
  EXPECT_EQ(member.handle_control(t0 + 1s, first.reply).kind, ControlEvent::Kind::ignored);
  auto second = table.handle_registration(t0 + 1s, kWall + 1'000'000, endpoint(1, 1), out[2].frame);
  EXPECT_EQ(member.handle_control(t0 + 1s, second.reply).kind, ControlEvent::Kind::registered);
  EXPECT_TRUE(member.registered(E));
  EXPECT_EQ(member.next_timeout(), t0 + 21s);

  // Unknown sender (the NAT rebound us): register now, but not twice within the gap.
  EXPECT_EQ(member.handle_control(t0 + 5s, encode_unknown_sender(E)).kind, ControlEvent::Kind::notice);
  EXPECT_EQ(member.next_timeout(), t0 + 5s);
  member.poll(t0 + 5s, kWall + 5'000'000, out);
  EXPECT_EQ(out.size(), 4u);
  member.handle_control(t0 + 5500ms, encode_unknown_sender(E));
  EXPECT_EQ(member.next_timeout(), t0 + 6s);  // the retry, not an extra registration
  EXPECT_EQ(member.handle_control(t0, encode_unknown_sender(F)).kind, ControlEvent::Kind::ignored);
  // A challenge that echoes no registration of ours, or our own cookie back: ignored.
  auto latest = decode_registration(out[3].frame);
  EXPECT_EQ(member.handle_control(t0 + 5s, encode_cookie_challenge({latest->timestamp_us - 1, Cookie{}})).kind,
            ControlEvent::Kind::ignored);
  EXPECT_EQ(member.handle_control(t0 + 5s, encode_cookie_challenge({latest->timestamp_us, *latest->cookie})).kind,
            ControlEvent::Kind::ignored);
  EXPECT_EQ(member.next_timeout(), t0 + 6s);

  // A refusal backs off to the keepalive interval.
  auto refused = encode_reply({ReplyStatus::key_not_allowed, E, alice.nid(), latest->timestamp_us, 0});
  EXPECT_EQ(member.handle_control(t0 + 5s, refused).kind, ControlEvent::Kind::refused);
  EXPECT_EQ(member.next_timeout(), t0 + 25s);
  member.handle_control(t0 + 10s, encode_unknown_sender(E));  // refused: no early retry
  EXPECT_EQ(member.next_timeout(), t0 + 25s);

  auto leave = member.leave(kWall + 6'000'000, E);
  ASSERT_TRUE(leave);
  EXPECT_TRUE(decode_registration(*leave)->leave);
  EXPECT_TRUE(decode_registration(*leave)->cookie);
  EXPECT_EQ(member.next_timeout(), kNever);
  EXPECT_FALSE(member.accept_data(data_frame(E, {kAllNodes, Nid{0}})));
}

// Spoofed registrations and data frames from unknown addresses may not turn
// the hub into a reflector: a budget of replies in all, per address and per
// prefix, a second; the rest counted.
TEST(HubSourceBudget, CapsRepliesInAllPerAddressAndPerPrefix) {
  SourceBudget budget({.total = 20, .per_prefix = 5, .per_address = 3, .max_sources = 64});
  int sent = 0;
  for (int i = 0; i < 10; ++i) sent += budget.allow(t0 + std::chrono::milliseconds(i), endpoint(1, 1));
  EXPECT_EQ(sent, 3);  // one address
  for (std::uint8_t host = 2; host < 10; ++host) sent += budget.allow(t0, endpoint(host, 1));
  EXPECT_EQ(sent, 5);  // the same /24
  Endpoint other = endpoint(1, 1);
  other.address[14] = 3;  // 192.0.3.x: another /24
  EXPECT_TRUE(budget.allow(t0, other));
  EXPECT_EQ(budget.suppressed(), 7u + 6u);
  EXPECT_TRUE(budget.allow(t0 + std::chrono::seconds(1), endpoint(1, 1)));  // a new second, a new budget
}

TEST(HubEndpoint, PrefixesAreSlash24AndSlash64) {
  EXPECT_EQ(prefix_of(endpoint(77, 4000)), prefix_of(endpoint(1, 1)));
  EXPECT_EQ(prefix_of(endpoint(77, 4000)).to_string(), "192.0.2.0:0");
  Endpoint v6;
  v6.address = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0xaa, 0xbb, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(prefix_of(v6).to_string(), "[2001:db8:1:2:0:0:0:0]:0");
}

}  // namespace
}  // namespace ilnp::hub
