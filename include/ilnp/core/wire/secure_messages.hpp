// Secure-mode payload codecs (proto/README.md, "Secure mode"): signed
// discovery (45), signed locator update and ack (46), sealed transport (47).
// Layouts and bounds checks only: signatures and AEAD live in core/security.
#pragma once

#include <string>
#include <vector>

#include "ilnp/core/result.hpp"
#include "ilnp/core/security/identity.hpp"
#include "ilnp/core/types.hpp"
#include "ilnp/core/wire/bytes.hpp"

namespace ilnp::wire {

inline constexpr std::size_t kSealHeaderSize = 12;  // epoch (4) + counter (8)
inline constexpr std::size_t kSealTagSize = 16;
inline constexpr std::size_t kSealOverhead = kSealHeaderSize + kSealTagSize;

struct SecureDiscovery {
  bool solicitation{false};
  Nid nid;
  Locator locator;
  std::uint64_t timestamp{0};  // sender's wall clock, microseconds; per-NID increasing
  security::PublicKey key{};
  std::string hostname;
  security::Signature signature{};
};

// Errors: truncated_secure_message, bad_discovery_flag, empty_hostname,
// hostname_not_utf8.
[[nodiscard]] Result<SecureDiscovery> decode_secure_discovery(Bytes payload);
// The bytes a secure discovery signature covers (domain-separated).
[[nodiscard]] Buffer secure_discovery_signed_bytes(const SecureDiscovery& m);
[[nodiscard]] Buffer encode_secure_discovery(const SecureDiscovery& m);

struct SecureUpdate {
  bool is_ack{false};
  std::uint64_t sequence{0};      // sender's wall clock, microseconds; increasing
  std::uint64_t acknowledges{0};  // ack only: the update's sequence
  std::vector<Locator> locators;  // update only, 1-16
  security::PublicKey key{};
  security::Signature signature{};
};

// Errors: truncated_secure_message, bad_locator_update_flag,
// bad_locator_update_length, too_many_locators.
[[nodiscard]] Result<SecureUpdate> decode_secure_update(Bytes payload);
// Covers the source and destination NIDs too, so an update cannot be replayed
// to another correspondent.
[[nodiscard]] Buffer secure_update_signed_bytes(const SecureUpdate& m, Nid source, Nid destination);
[[nodiscard]] Buffer encode_secure_update(const SecureUpdate& m);

struct SealedTransport {
  std::uint32_t epoch{0};
  std::uint64_t counter{0};
  Bytes ciphertext;  // with the tag at its end; a view into the payload
};

// Errors: truncated_secure_message (shorter than header + tag + 4 port bytes).
[[nodiscard]] Result<SealedTransport> decode_sealed_transport(Bytes payload);

}  // namespace ilnp::wire
