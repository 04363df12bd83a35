// The relay hub's UDP frames (proto/README.md section 12): data frames that
// carry one overlay datagram for one locator, and the registrations that make
// a member. Owns the layouts and their bounds checks; knows no tables or sockets.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "ilnp/core/security/identity.hpp"
#include "ilnp/core/types.hpp"
#include "ilnp/core/wire/bytes.hpp"

namespace ilnp::hub {

inline constexpr std::uint16_t kDefaultHubPort = 10010;

// The first byte of every frame.
enum class FrameType : std::uint8_t { data = 1, registration = 2, reply = 3, unknown_sender = 4, cookie = 5 };

// Data: type (1) | link locator (8) | overlay datagram (40 or more bytes).
inline constexpr std::size_t kDataPrefixSize = 9;
using DataPrefix = std::array<std::byte, kDataPrefixSize>;
[[nodiscard]] DataPrefix data_prefix(Locator link);
// The link locator of a data frame, if the frame is one with a whole header.
[[nodiscard]] std::optional<Locator> data_link(wire::Bytes frame);
// The destination ILV of the overlay header inside a data frame (bytes 24-39
// of the header); the caller checked data_link first.
[[nodiscard]] Ilv data_destination(wire::Bytes frame);

// Registration: type | flags | locator | NID | timestamp (unix µs) = 26 bytes,
// then, with the cookie flag, the hub's cookie (16), then, when signed,
// public key (32) | signature (64) over kRegistrationContext followed by
// every byte before the signature.
inline constexpr std::size_t kRegistrationSize = 26;
inline constexpr std::size_t kCookieSize = 16;
inline constexpr std::size_t kSignedRegistrationSize = kRegistrationSize + 32 + 64;
inline constexpr std::string_view kRegistrationContext = "ilnp-overlay hub registration v1";
inline constexpr std::uint8_t kFlagLeave = 0x01;
inline constexpr std::uint8_t kFlagSigned = 0x02;
inline constexpr std::uint8_t kFlagCookie = 0x04;
using Cookie = std::array<std::byte, kCookieSize>;

struct Registration {
  Locator locator{};
  Nid nid{};
  std::uint64_t timestamp_us{0};
  bool leave{false};
  std::optional<security::PublicKey> key{};  // set: signed
  security::Signature signature{};
  std::optional<Cookie> cookie{};  // set: echoes the hub's cookie for our address
};

// Unsigned (legacy) when `identity` is null; else signed, with nid = identity's.
[[nodiscard]] wire::Buffer encode_registration(const Registration& r, const security::Identity* identity);
// Exact sizes only (26, 42, 122 or 138), known flags only, the signed and
// cookie flags agree with the size.
[[nodiscard]] std::optional<Registration> decode_registration(wire::Bytes frame);
// The bytes a registration's signature covers.
[[nodiscard]] wire::Buffer registration_signed_bytes(wire::Bytes frame);

// The hub's answer to a registration (unauthenticated: the member only logs
// it and adjusts its retry schedule).
enum class ReplyStatus : std::uint8_t {
  accepted = 0,
  left = 1,
  unsigned_refused = 2,
  bad_signature = 3,
  nid_key_mismatch = 4,
  key_not_allowed = 5,
  stale = 6,
  table_full = 7,
  source_full = 8,  // the source address's or its prefix's share of the table is used up
};
inline constexpr std::uint8_t kReplyStatusCount = 9;
[[nodiscard]] std::string_view to_string(ReplyStatus s);

// Reply: type | status | locator | NID | echoed timestamp | expiry seconds (2) = 28 bytes.
inline constexpr std::size_t kReplySize = 28;
struct Reply {
  ReplyStatus status{ReplyStatus::accepted};
  Locator locator{};
  Nid nid{};
  std::uint64_t timestamp_us{0};
  std::uint16_t expiry_s{0};
};
[[nodiscard]] wire::Buffer encode_reply(const Reply& r);
[[nodiscard]] std::optional<Reply> decode_reply(wire::Bytes frame);

// Cookie challenge: type | echoed timestamp (8) | cookie (16) = 25 bytes, the
// hub's answer to a registration without a valid cookie for its source
// address. Smaller than the smallest registration (26): an unverified
// address never gets more bytes than it sent. The member repeats its
// registration with the cookie, which proves it receives at that address.
inline constexpr std::size_t kCookieChallengeSize = 1 + 8 + kCookieSize;
struct CookieChallenge {
  std::uint64_t timestamp_us{0};
  Cookie cookie{};
};
[[nodiscard]] wire::Buffer encode_cookie_challenge(const CookieChallenge& c);
[[nodiscard]] std::optional<CookieChallenge> decode_cookie_challenge(wire::Bytes frame);

// Unknown sender: type | locator = 9 bytes. Sent to a data frame from an
// address that is not a member of its locator (e.g. after a NAT rebinding):
// "register again". Never larger than what provoked it.
inline constexpr std::size_t kUnknownSenderSize = 9;
[[nodiscard]] wire::Buffer encode_unknown_sender(Locator link);
[[nodiscard]] std::optional<Locator> decode_unknown_sender(wire::Bytes frame);

}  // namespace ilnp::hub
