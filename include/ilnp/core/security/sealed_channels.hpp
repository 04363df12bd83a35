// End-to-end encryption of transport datagrams between two secure nodes:
// X25519 from the Ed25519 identities, a key per direction and epoch, and
// ChaCha20-Poly1305-IETF with the (epoch, counter) as nonce; a replay window
// per peer; a new epoch after `rekey_after` datagrams (proto/README.md).
#pragma once

#include <array>
#include <map>
#include <optional>

#include "ilnp/core/result.hpp"
#include "ilnp/core/security/identity.hpp"
#include "ilnp/core/security/replay_window.hpp"
#include "ilnp/core/wire/secure_messages.hpp"

namespace ilnp::security {

using SymmetricKey = std::array<std::byte, 32>;

// What a sealed payload carries; each has its own additional-data label, so
// one cannot be relabelled as the other (proto/README.md sections 9 and 13).
enum class SealDomain { transport, ip };

class SealedChannels {
 public:
  static constexpr std::size_t kMaxPeers = 1024;

  // `first_epoch` must differ between runs with the same identity (the node
  // uses the wall-clock second it started at), or a restart would reuse nonces.
  SealedChannels(const Identity& me, std::uint64_t rekey_after, std::uint32_t first_epoch)
      : me_(me), rekey_after_(rekey_after), first_epoch_(first_epoch) {}

  // The sealed payload (epoch, counter, ciphertext, tag) of `plaintext` for `peer`.
  [[nodiscard]] wire::Buffer seal(Nid peer, const PublicKey& peer_key, wire::Bytes plaintext,
                                  SealDomain domain = SealDomain::transport);
  // The plaintext, or decrypt_failed / replayed_datagram.
  [[nodiscard]] Result<wire::Buffer> open(Nid peer, const PublicKey& peer_key, const wire::SealedTransport& sealed,
                                          SealDomain domain = SealDomain::transport);

  [[nodiscard]] std::uint32_t send_epoch(Nid peer) const;

 private:
  struct Channel {
    PublicKey peer_key{};
    std::array<std::byte, 32> shared{};
    std::uint32_t tx_epoch{0};
    std::uint64_t tx_counter{0};
    SymmetricKey tx_key{};
    // The receive side keeps the newest epoch and the one before (rekeying).
    std::map<std::uint32_t, std::pair<SymmetricKey, ReplayWindow>> rx;
  };
  Channel& channel(Nid peer, const PublicKey& peer_key);
  [[nodiscard]] SymmetricKey direction_key(const Channel& c, Nid sender, Nid receiver, std::uint32_t epoch) const;

  const Identity& me_;
  std::uint64_t rekey_after_;
  std::uint32_t first_epoch_;
  std::map<Nid, Channel> channels_;
};

}  // namespace ilnp::security
