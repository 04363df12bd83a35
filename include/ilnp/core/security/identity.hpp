// A node's long-term Ed25519 identity and the NID derived from it, plus the
// signature checks that make a NID unclaimable without its key (proto/README.md,
// "Secure mode"). Key material comes from outside (a seed); no system randomness.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "ilnp/core/types.hpp"
#include "ilnp/core/wire/bytes.hpp"

namespace ilnp::security {

using PublicKey = std::array<std::byte, 32>;
using SecretKey = std::array<std::byte, 64>;
using Seed = std::array<std::byte, 32>;
using Signature = std::array<std::byte, 64>;

// NID = BLAKE2b-64 of the public key, keyed with "ilnp-overlay nid" (16 bytes).
[[nodiscard]] Nid nid_of(const PublicKey& key);

[[nodiscard]] bool verify(const PublicKey& key, wire::Bytes message, const Signature& signature);

class Identity {
 public:
  [[nodiscard]] static Identity from_seed(const Seed& seed);

  [[nodiscard]] Signature sign(wire::Bytes message) const;
  [[nodiscard]] const PublicKey& public_key() const { return public_; }
  [[nodiscard]] const Seed& seed() const { return seed_; }
  [[nodiscard]] Nid nid() const { return nid_; }

 private:
  Seed seed_{};
  PublicKey public_{};
  SecretKey secret_{};
  Nid nid_;
};

[[nodiscard]] std::string to_hex(wire::Bytes bytes);
// Exactly 2*N hex digits; nullopt otherwise.
template <std::size_t N>
[[nodiscard]] std::optional<std::array<std::byte, N>> from_hex(std::string_view text);

}  // namespace ilnp::security
