// Fuzz target for relay hub frames in both directions (proto/README.md
// section 12): the hub's table (registrations, data frames) and a member's
// handling of what a hub sends (replies, cookie challenges, notices, data).
// Input: byte 0 picks the hub's mode (bit 0: legacy), then records of
// control (1) | length (1) | frame. Control bit 0: to the member (else to
// the hub); bit 1: give the frame's cookie field the hub's valid cookie (so
// the fuzzer gets past the address check); bits 2-3: which of four sources;
// bits 4-7: seconds that pass first. After every record the member's due
// registrations go to the hub from source 0 and the hub's answers back.
// Properties: an unverified sender never gets more bytes than it sent; every
// frame the hub sends decodes; data is never relayed to its sender; members
// are bounded; the member's registrations decode with its NID.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_check.hpp"
#include "ilnp/core/hub/member.hpp"
#include "ilnp/core/hub/membership.hpp"

namespace {

namespace hub = ilnp::hub;
using ilnp::Instant;
using ilnp::Locator;
namespace wire = ilnp::wire;

constexpr std::uint64_t kWallStart = 1'700'000'000'000'000;

const ilnp::security::Identity& member_identity() {
  static const auto id = [] {
    ilnp::security::Seed seed{};
    seed.fill(std::byte{1});
    return ilnp::security::Identity::from_seed(seed);
  }();
  return id;
}

hub::Endpoint source(unsigned index) {
  hub::Endpoint e;
  e.address = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, static_cast<std::uint8_t>(index & 1), 0, 0, 0, 0, 0, 0, 0,
               static_cast<std::uint8_t>(index)};
  e.port = static_cast<std::uint16_t>(4000 + index);
  return e;
}

void check_hub_frame(wire::Bytes frame) {
  ILNP_FUZZ_CHECK(hub::decode_reply(frame) || hub::decode_cookie_challenge(frame) ||
                  hub::decode_unknown_sender(frame));
}

struct World {
  hub::MembershipTable table;
  hub::HubMember member{{}, &member_identity(), ilnp::Nid{}};
  Instant now{Instant{} + std::chrono::hours(1)};
  std::uint64_t wall{kWallStart};
  std::vector<hub::Endpoint> to;

  explicit World(bool legacy)
      : table(hub::HubConfig{.secure = !legacy, .max_members = 16, .max_members_per_address = 4,
                             .max_members_per_prefix = 8}) {}

  void to_hub(const hub::Endpoint& from, wire::Bytes frame) {
    if (!frame.empty() && std::to_integer<std::uint8_t>(frame[0]) == static_cast<std::uint8_t>(hub::FrameType::registration)) {
      auto outcome = table.handle_registration(now, wall, from, frame);
      if (outcome.unverified) ILNP_FUZZ_CHECK(outcome.reply.size() <= frame.size());
      if (!outcome.reply.empty()) check_hub_frame(outcome.reply);
      if (from == source(0) && !outcome.reply.empty()) (void)member.handle_control(now, outcome.reply);
    } else {
      auto verdict = table.route(from, frame, to);
      ILNP_FUZZ_CHECK(std::find(to.begin(), to.end(), from) == to.end());
      if (verdict == hub::DataVerdict::unicast) ILNP_FUZZ_CHECK(to.size() == 1);
      if (verdict == hub::DataVerdict::not_member || verdict == hub::DataVerdict::malformed) ILNP_FUZZ_CHECK(to.empty());
    }
    ILNP_FUZZ_CHECK(table.member_count() <= 16);
  }

  void member_turn() {
    std::vector<hub::OutgoingRegistration> out;
    member.poll(now, wall, out);
    for (const auto& r : out) {
      auto decoded = hub::decode_registration(r.frame);
      ILNP_FUZZ_CHECK(decoded && decoded->nid == member_identity().nid() && decoded->key);
      to_hub(source(0), r.frame);
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  World w((data[0] & 1) != 0);
  w.member.join(w.now, Locator{0xe});
  w.member.join(w.now, Locator{0xf});
  w.member_turn();
  std::size_t at = 1;
  while (at + 2 <= size) {
    auto control = data[at];
    std::size_t length = std::min<std::size_t>(data[at + 1], size - at - 2);
    wire::Buffer frame(reinterpret_cast<const std::byte*>(data + at + 2),
                       reinterpret_cast<const std::byte*>(data + at + 2 + length));
    at += 2 + length;
    auto seconds = std::chrono::seconds(control >> 4);
    w.now += seconds;
    w.wall += static_cast<std::uint64_t>(std::chrono::microseconds(seconds).count());
    auto from = source((control >> 2) & 3);
    if (control & 1) {
      if (auto link = w.member.accept_data(frame)) ILNP_FUZZ_CHECK(hub::data_link(frame) == link);
      else (void)w.member.handle_control(w.now, frame);
    } else {
      bool has_cookie = frame.size() >= hub::kRegistrationSize + hub::kCookieSize &&
                        (std::to_integer<std::uint8_t>(frame[1]) & hub::kFlagCookie);
      if ((control & 2) && has_cookie) {
        auto cookie = w.table.cookie_for(w.now, from);
        std::copy(cookie.begin(), cookie.end(), frame.begin() + hub::kRegistrationSize);
      }
      w.to_hub(from, frame);
    }
    (void)w.table.expire(w.now);
    w.member_turn();
  }
  return 0;
}
