// Secure-mode codecs. Every length is checked before it is read.
#include "ilnp/core/wire/secure_messages.hpp"

#include <algorithm>

#include "ilnp/core/wire/constants.hpp"
#include "ilnp/core/wire/messages.hpp"

namespace ilnp::wire {

namespace {
constexpr std::string_view kDiscoveryDomain = "ilnp-overlay discovery v1";
constexpr std::string_view kUpdateDomain = "ilnp-overlay update v1";

template <std::size_t N>
bool read_array(ByteReader& r, std::array<std::byte, N>& out) {
  if (r.remaining() < N) return false;
  auto rest = r.rest();
  std::copy_n(rest.begin(), N, out.begin());
  r = ByteReader(rest.subspan(N));
  return true;
}

void put_discovery_body(ByteWriter& w, const SecureDiscovery& m) {
  w.u8(m.solicitation ? 1 : 0);
  w.u64(m.nid.value);
  w.u64(m.locator.value);
  w.u64(m.timestamp);
  w.bytes(m.key);
  w.u8(static_cast<std::uint8_t>(m.hostname.size()));
  w.text(m.hostname);
}

void put_update_body(ByteWriter& w, const SecureUpdate& m) {
  w.u8(m.is_ack ? 0 : 1);
  w.u64(m.sequence);
  if (m.is_ack) {
    w.u64(m.acknowledges);
  } else {
    w.u8(static_cast<std::uint8_t>(m.locators.size()));
    for (auto l : m.locators) w.u64(l.value);
  }
  w.bytes(m.key);
}
}  // namespace

Result<SecureDiscovery> decode_secure_discovery(Bytes payload) {
  ByteReader r(payload);
  SecureDiscovery m;
  auto flag = r.u8();
  if (!flag) return DropReason::truncated_secure_message;
  if (*flag > 1) return DropReason::bad_discovery_flag;
  m.solicitation = *flag == 1;
  auto nid = r.u64(), locator = r.u64(), timestamp = r.u64();
  if (!timestamp || !read_array(r, m.key)) return DropReason::truncated_secure_message;
  m.nid = Nid{*nid};
  m.locator = Locator{*locator};
  m.timestamp = *timestamp;
  auto length = r.u8();
  if (!length) return DropReason::truncated_secure_message;
  if (*length == 0) return DropReason::empty_hostname;
  if (r.remaining() != *length + m.signature.size()) return DropReason::truncated_secure_message;
  auto rest = r.rest();
  auto name = as_text(rest.first(*length));
  if (!is_clean_utf8(name)) return DropReason::hostname_not_utf8;
  m.hostname.assign(name);
  std::copy_n(rest.subspan(*length).begin(), m.signature.size(), m.signature.begin());
  return m;
}

Buffer secure_discovery_signed_bytes(const SecureDiscovery& m) {
  Buffer out;
  ByteWriter w(out);
  w.text(kDiscoveryDomain);
  put_discovery_body(w, m);
  return out;
}

Buffer encode_secure_discovery(const SecureDiscovery& m) {
  Buffer out;
  ByteWriter w(out);
  put_discovery_body(w, m);
  w.bytes(m.signature);
  return out;
}

Result<SecureUpdate> decode_secure_update(Bytes payload) {
  ByteReader r(payload);
  SecureUpdate m;
  auto kind = r.u8();
  if (!kind) return DropReason::truncated_secure_message;
  if (*kind > 1) return DropReason::bad_locator_update_flag;
  m.is_ack = *kind == 0;
  auto sequence = r.u64();
  if (!sequence) return DropReason::truncated_secure_message;
  m.sequence = *sequence;
  if (m.is_ack) {
    auto acked = r.u64();
    if (!acked) return DropReason::truncated_secure_message;
    m.acknowledges = *acked;
  } else {
    auto count = r.u8();
    if (!count) return DropReason::truncated_secure_message;
    if (*count == 0) return DropReason::bad_locator_update_length;
    if (*count > kMaxUpdateLocators) return DropReason::too_many_locators;
    for (unsigned i = 0; i < *count; ++i) {
      auto l = r.u64();
      if (!l) return DropReason::truncated_secure_message;
      m.locators.push_back(Locator{*l});
    }
  }
  if (!read_array(r, m.key) || !read_array(r, m.signature)) return DropReason::truncated_secure_message;
  if (r.remaining() != 0) return DropReason::bad_locator_update_length;
  return m;
}

Buffer secure_update_signed_bytes(const SecureUpdate& m, Nid source, Nid destination) {
  Buffer out;
  ByteWriter w(out);
  w.text(kUpdateDomain);
  w.u64(source.value);
  w.u64(destination.value);
  put_update_body(w, m);
  return out;
}

Buffer encode_secure_update(const SecureUpdate& m) {
  Buffer out;
  ByteWriter w(out);
  put_update_body(w, m);
  w.bytes(m.signature);
  return out;
}

Result<SealedTransport> decode_sealed_transport(Bytes payload) {
  if (payload.size() < kSealOverhead + kTransportHeaderSize) return DropReason::truncated_secure_message;
  ByteReader r(payload);
  SealedTransport s;
  s.epoch = *r.u32();
  s.counter = *r.u64();
  s.ciphertext = r.rest();
  return s;
}

}  // namespace ilnp::wire
