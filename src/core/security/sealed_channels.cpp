// The additional data binds each datagram to its two NIDs, so a sealed
// datagram cannot be replayed to another node or as another sender's.
#include "ilnp/core/security/sealed_channels.hpp"

#include <sodium.h>

#include <cstring>

namespace ilnp::security {

namespace {
const unsigned char* u8(const std::byte* p) { return reinterpret_cast<const unsigned char*>(p); }
unsigned char* u8(std::byte* p) { return reinterpret_cast<unsigned char*>(p); }
constexpr std::string_view kSealDomain = "ilnp-overlay seal v1";
// Keys stay those of kSealDomain; only the additional data differs.
constexpr std::string_view kSealIpDomain = "ilnp-overlay seal ip v1";

std::array<std::byte, 12> nonce_of(std::uint32_t epoch, std::uint64_t counter) {
  std::array<std::byte, 12> n{};
  for (int i = 0; i < 4; ++i) n[static_cast<std::size_t>(i)] = static_cast<std::byte>(epoch >> (24 - 8 * i));
  for (int i = 0; i < 8; ++i) n[static_cast<std::size_t>(4 + i)] = static_cast<std::byte>(counter >> (56 - 8 * i));
  return n;
}

wire::Buffer additional_data(SealDomain domain, Nid sender, Nid receiver, std::uint32_t epoch,
                             std::uint64_t counter) {
  wire::Buffer ad;
  wire::ByteWriter w(ad);
  w.text(domain == SealDomain::ip ? kSealIpDomain : kSealDomain);
  w.u64(sender.value);
  w.u64(receiver.value);
  w.u32(epoch);
  w.u64(counter);
  return ad;
}
}  // namespace

SealedChannels::Channel& SealedChannels::channel(Nid peer, const PublicKey& peer_key) {
  auto it = channels_.find(peer);
  if (it != channels_.end() && it->second.peer_key == peer_key) return it->second;
  if (it == channels_.end() && channels_.size() >= kMaxPeers) channels_.erase(channels_.begin());
  Channel c;
  c.peer_key = peer_key;
  // X25519 between the identities' birationally equivalent Curve25519 keys.
  std::array<unsigned char, 32> my_curve_secret{}, peer_curve{};
  std::array<unsigned char, 64> my_ed_secret{};
  crypto_sign_seed_keypair(std::array<unsigned char, 32>{}.data(), my_ed_secret.data(), u8(me_.seed().data()));
  crypto_sign_ed25519_sk_to_curve25519(my_curve_secret.data(), my_ed_secret.data());
  bool ok = crypto_sign_ed25519_pk_to_curve25519(peer_curve.data(), u8(peer_key.data())) == 0 &&
            crypto_scalarmult(u8(c.shared.data()), my_curve_secret.data(), peer_curve.data()) == 0;
  sodium_memzero(my_curve_secret.data(), my_curve_secret.size());
  sodium_memzero(my_ed_secret.data(), my_ed_secret.size());
  if (!ok) c.shared.fill(std::byte{0});  // an invalid point: every open fails, nothing is sent in clear
  c.tx_epoch = first_epoch_;
  c.tx_key = direction_key(c, me_.nid(), peer, c.tx_epoch);
  return channels_.insert_or_assign(peer, std::move(c)).first->second;
}

SymmetricKey SealedChannels::direction_key(const Channel& c, Nid sender, Nid receiver, std::uint32_t epoch) const {
  wire::Buffer info;
  wire::ByteWriter w(info);
  w.text(kSealDomain);
  w.u64(sender.value);
  w.u64(receiver.value);
  w.u32(epoch);
  SymmetricKey key{};
  crypto_generichash(u8(key.data()), key.size(), u8(info.data()), info.size(), u8(c.shared.data()), c.shared.size());
  return key;
}

wire::Buffer SealedChannels::seal(Nid peer, const PublicKey& peer_key, wire::Bytes plaintext, SealDomain domain) {
  auto& c = channel(peer, peer_key);
  if (c.tx_counter >= rekey_after_) {
    ++c.tx_epoch;
    c.tx_counter = 0;
    c.tx_key = direction_key(c, me_.nid(), peer, c.tx_epoch);
  }
  auto counter = c.tx_counter++;
  auto nonce = nonce_of(c.tx_epoch, counter);
  auto ad = additional_data(domain, me_.nid(), peer, c.tx_epoch, counter);
  wire::Buffer out;
  out.reserve(wire::kSealOverhead + plaintext.size());
  wire::ByteWriter w(out);
  w.u32(c.tx_epoch);
  w.u64(counter);
  out.resize(wire::kSealHeaderSize + plaintext.size() + wire::kSealTagSize);
  unsigned long long written = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(u8(out.data() + wire::kSealHeaderSize), &written, u8(plaintext.data()),
                                            plaintext.size(), u8(ad.data()), ad.size(), nullptr, u8(nonce.data()),
                                            u8(c.tx_key.data()));
  return out;
}

Result<wire::Buffer> SealedChannels::open(Nid peer, const PublicKey& peer_key, const wire::SealedTransport& sealed,
                                          SealDomain domain) {
  auto& c = channel(peer, peer_key);
  auto known = c.rx.find(sealed.epoch);
  auto key = known != c.rx.end() ? known->second.first : direction_key(c, peer, me_.nid(), sealed.epoch);
  auto nonce = nonce_of(sealed.epoch, sealed.counter);
  auto ad = additional_data(domain, peer, me_.nid(), sealed.epoch, sealed.counter);
  wire::Buffer plain(sealed.ciphertext.size() - wire::kSealTagSize);
  unsigned long long length = 0;
  if (crypto_aead_chacha20poly1305_ietf_decrypt(u8(plain.data()), &length, nullptr, u8(sealed.ciphertext.data()),
                                                sealed.ciphertext.size(), u8(ad.data()), ad.size(), u8(nonce.data()),
                                                u8(key.data())) != 0)
    return DropReason::decrypt_failed;
  // Epochs only move forward: an authentic datagram of an epoch older than the
  // newest two is a replay. (Forgeries fail above whatever epoch they claim.)
  if (known == c.rx.end() && !c.rx.empty() && sealed.epoch < c.rx.rbegin()->first)
    return DropReason::replayed_datagram;
  // Only authentic datagrams create epochs or move the window, so forgeries
  // can neither burn counters nor push genuine epochs out.
  if (known == c.rx.end()) {
    known = c.rx.emplace(sealed.epoch, std::make_pair(key, ReplayWindow{})).first;
    while (c.rx.size() > 2) c.rx.erase(c.rx.begin());
  }
  if (!known->second.second.accept(sealed.counter)) return DropReason::replayed_datagram;
  return plain;
}

std::uint32_t SealedChannels::send_epoch(Nid peer) const {
  auto it = channels_.find(peer);
  return it == channels_.end() ? 0 : it->second.tx_epoch;
}

}  // namespace ilnp::security
