// Every read goes through ByteReader; sizes are exact so that a frame has one
// meaning. The data path reads only the prefix and the destination ILV.
#include "ilnp/core/hub/frames.hpp"

#include <algorithm>

#include "ilnp/core/wire/constants.hpp"

namespace ilnp::hub {

namespace {

constexpr std::size_t kSignatureBytes = std::tuple_size_v<security::Signature>;

std::uint64_t read_u64_at(wire::Bytes b, std::size_t offset) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | std::to_integer<std::uint64_t>(b[offset + i]);
  return v;
}

bool is_type(wire::Bytes frame, FrameType type) {
  return !frame.empty() && std::to_integer<std::uint8_t>(frame[0]) == static_cast<std::uint8_t>(type);
}

}  // namespace

DataPrefix data_prefix(Locator link) {
  DataPrefix p{};
  p[0] = std::byte{static_cast<std::uint8_t>(FrameType::data)};
  for (std::size_t i = 0; i < 8; ++i) p[1 + i] = std::byte{static_cast<std::uint8_t>(link.value >> (56 - 8 * i))};
  return p;
}

std::optional<Locator> data_link(wire::Bytes frame) {
  if (frame.size() < kDataPrefixSize + wire::kHeaderSize || !is_type(frame, FrameType::data)) return std::nullopt;
  return Locator{read_u64_at(frame, 1)};
}

Ilv data_destination(wire::Bytes frame) {
  constexpr std::size_t kDestination = kDataPrefixSize + 24;  // header: 8 fixed bytes, source ILV, destination ILV
  return Ilv{Locator{read_u64_at(frame, kDestination)}, Nid{read_u64_at(frame, kDestination + 8)}};
}

wire::Buffer registration_signed_bytes(wire::Bytes frame) {
  wire::Buffer out;
  wire::ByteWriter w(out);
  w.text(kRegistrationContext);
  w.bytes(frame.first(frame.size() >= kSignatureBytes ? frame.size() - kSignatureBytes : 0));
  return out;
}

wire::Buffer encode_registration(const Registration& r, const security::Identity* identity) {
  wire::Buffer out;
  wire::ByteWriter w(out);
  w.u8(static_cast<std::uint8_t>(FrameType::registration));
  w.u8(static_cast<std::uint8_t>((r.leave ? kFlagLeave : 0) | (identity ? kFlagSigned : 0) |
                                  (r.cookie ? kFlagCookie : 0)));
  w.u64(r.locator.value);
  w.u64(identity ? identity->nid().value : r.nid.value);
  w.u64(r.timestamp_us);
  if (r.cookie) w.bytes(*r.cookie);
  if (!identity) return out;
  w.bytes(identity->public_key());
  out.resize(out.size() + kSignatureBytes);  // the signed bytes are all but the signature
  auto signature = identity->sign(registration_signed_bytes(out));
  std::copy(signature.begin(), signature.end(), out.end() - static_cast<std::ptrdiff_t>(signature.size()));
  return out;
}

std::optional<Registration> decode_registration(wire::Bytes frame) {
  if (frame.size() < 2) return std::nullopt;
  auto flag_bits = std::to_integer<std::uint8_t>(frame[1]);
  auto expected = kRegistrationSize + ((flag_bits & kFlagCookie) ? kCookieSize : 0) +
                  ((flag_bits & kFlagSigned) ? kSignedRegistrationSize - kRegistrationSize : 0);
  if (frame.size() != expected) return std::nullopt;
  wire::ByteReader r(frame);
  auto type = r.u8();
  auto flags = r.u8();
  auto locator = r.u64();
  auto nid = r.u64();
  auto timestamp = r.u64();
  if (!type || *type != static_cast<std::uint8_t>(FrameType::registration) || !flags || !locator || !nid || !timestamp)
    return std::nullopt;
  if ((*flags & ~(kFlagLeave | kFlagSigned | kFlagCookie)) != 0) return std::nullopt;
  Registration out{.locator = Locator{*locator}, .nid = Nid{*nid}, .timestamp_us = *timestamp,
                   .leave = (*flags & kFlagLeave) != 0};
  auto rest = r.rest();
  if (*flags & kFlagCookie) {
    Cookie cookie{};
    std::copy_n(rest.begin(), cookie.size(), cookie.begin());
    out.cookie = cookie;
    rest = rest.subspan(cookie.size());
  }
  if (*flags & kFlagSigned) {
    security::PublicKey key{};
    std::copy_n(rest.begin(), key.size(), key.begin());
    std::copy_n(rest.begin() + static_cast<std::ptrdiff_t>(key.size()), out.signature.size(), out.signature.begin());
    out.key = key;
  }
  return out;
}

std::string_view to_string(ReplyStatus s) {
  switch (s) {
    case ReplyStatus::accepted: return "accepted";
    case ReplyStatus::left: return "left";
    case ReplyStatus::unsigned_refused: return "unsigned_refused";
    case ReplyStatus::bad_signature: return "bad_signature";
    case ReplyStatus::nid_key_mismatch: return "nid_key_mismatch";
    case ReplyStatus::key_not_allowed: return "key_not_allowed";
    case ReplyStatus::stale: return "stale";
    case ReplyStatus::table_full: return "table_full";
    case ReplyStatus::source_full: return "source_full";
  }
  return "unknown";
}

wire::Buffer encode_reply(const Reply& reply) {
  wire::Buffer out;
  wire::ByteWriter w(out);
  w.u8(static_cast<std::uint8_t>(FrameType::reply));
  w.u8(static_cast<std::uint8_t>(reply.status));
  w.u64(reply.locator.value);
  w.u64(reply.nid.value);
  w.u64(reply.timestamp_us);
  w.u16(reply.expiry_s);
  return out;
}

std::optional<Reply> decode_reply(wire::Bytes frame) {
  if (frame.size() != kReplySize || !is_type(frame, FrameType::reply)) return std::nullopt;
  wire::ByteReader r(frame.subspan(1));
  auto status = r.u8();
  auto locator = r.u64();
  auto nid = r.u64();
  auto timestamp = r.u64();
  auto expiry = r.u16();
  if (!status || *status >= kReplyStatusCount || !locator || !nid || !timestamp || !expiry) return std::nullopt;
  return Reply{static_cast<ReplyStatus>(*status), Locator{*locator}, Nid{*nid}, *timestamp, *expiry};
}

wire::Buffer encode_unknown_sender(Locator link) {
  auto prefix = data_prefix(link);
  prefix[0] = std::byte{static_cast<std::uint8_t>(FrameType::unknown_sender)};
  return wire::Buffer(prefix.begin(), prefix.end());
}

wire::Buffer encode_cookie_challenge(const CookieChallenge& c) {
  wire::Buffer out;
  wire::ByteWriter w(out);
  w.u8(static_cast<std::uint8_t>(FrameType::cookie));
  w.u64(c.timestamp_us);
  w.bytes(c.cookie);
  return out;
}

std::optional<CookieChallenge> decode_cookie_challenge(wire::Bytes frame) {
  if (frame.size() != kCookieChallengeSize || !is_type(frame, FrameType::cookie)) return std::nullopt;
  CookieChallenge out{.timestamp_us = read_u64_at(frame, 1)};
  std::copy_n(frame.begin() + 9, out.cookie.size(), out.cookie.begin());
  return out;
}

std::optional<Locator> decode_unknown_sender(wire::Bytes frame) {
  if (frame.size() != kUnknownSenderSize || !is_type(frame, FrameType::unknown_sender)) return std::nullopt;
  return Locator{read_u64_at(frame, 1)};
}

}  // namespace ilnp::hub
