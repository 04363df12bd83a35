// proto/vectors/secure.vec (proto/README.md sections 9 and 10): every vector
// decodes (or is refused for its reason), its signature and NID ownership
// check as `auth` says, the sealed ones open with SealedChannels (and with
// libsodium directly, from the documented key derivation), and every ok
// vector re-encodes from its fields to its bytes.
#include <gtest/gtest.h>
#include <sodium.h>

#include <set>

#include "ilnp/core/security/identity.hpp"
#include "ilnp/core/security/sealed_channels.hpp"
#include "ilnp/core/wire/messages.hpp"
#include "ilnp/core/wire/secure_messages.hpp"
#include "vectors.hpp"

namespace ilnp {
namespace {

using test::from_hex;
using test::load_vectors;
using test::Vector;

std::vector<Vector> layer(const std::string& name) {
  std::vector<Vector> out;
  for (auto& v : load_vectors("secure.vec"))
    if (v.at("layer") == name) out.push_back(std::move(v));
  return out;
}

template <std::size_t N>
std::array<std::byte, N> fixed(const Vector& v, const std::string& key) {
  auto parsed = security::from_hex<N>(v.at(key));
  if (!parsed) throw std::runtime_error(v.name() + ": " + key + " is not " + std::to_string(N) + " bytes of hex");
  return *parsed;
}
Nid nid(const Vector& v, const std::string& key) { return *Nid::parse(v.at(key)); }
std::uint64_t number(const Vector& v, const std::string& key) { return std::stoull(v.at(key)); }
security::Identity identity(const Vector& v, const std::string& key) {
  return security::Identity::from_seed(fixed<32>(v, key));
}
std::string drop(DropReason r) { return "drop:" + std::string(to_string(r)); }

TEST(SecureVectors, FileIsWellFormed) {
  auto all = load_vectors("secure.vec");
  ASSERT_FALSE(all.empty());
  std::set<std::string> names;
  for (const auto& v : all) {
    EXPECT_TRUE(names.insert(v.at("name")).second) << "duplicate " << v.name();
    auto l = v.at("layer");
    std::string prefix = l == "secure_discovery" ? "sdisc_" : l == "secure_update" ? "supd_" : "seal_";
    EXPECT_TRUE(l == "secure_discovery" || l == "secure_update" || l == "sealed_transport") << v.name();
    EXPECT_EQ(v.at("name").rfind(prefix, 0), 0u) << v.name();
    EXPECT_TRUE(v.at("expect") == "ok" || v.at("expect").rfind("drop:", 0) == 0) << v.name();
    if (v.at("expect") != "ok") {
      EXPECT_EQ(v.fields.size(), 4u) << v.name() << ": a reject vector has no field keys";
    }
  }
  // Names are unique across all vector files.
  for (auto file : {"header.vec", "discovery.vec", "locator_update.vec", "transport.vec", "group.vec"})
    for (const auto& v : load_vectors(file)) EXPECT_FALSE(names.contains(v.at("name"))) << v.name();
}

TEST(SecureVectors, Discovery) {
  auto vectors = layer("secure_discovery");
  ASSERT_GE(vectors.size(), 10u);
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.name());
    auto decoded = wire::decode_secure_discovery(v.bytes);
    if (v.at("expect") != "ok") {
      ASSERT_FALSE(decoded.ok());
      EXPECT_EQ(drop(decoded.error()), v.at("expect"));
      continue;
    }
    ASSERT_TRUE(decoded.ok()) << to_string(decoded.error());
    const auto& m = *decoded;
    EXPECT_EQ(m.solicitation, v.at("solicitation") == "true");
    EXPECT_EQ(m.nid, nid(v, "nid"));
    EXPECT_EQ(m.locator, *Locator::parse(v.at("loc")));
    EXPECT_EQ(m.timestamp, number(v, "timestamp"));
    EXPECT_EQ(m.key, fixed<32>(v, "public_key"));
    EXPECT_EQ(m.hostname, v.at("hostname"));
    EXPECT_EQ(m.signature, fixed<64>(v, "signature"));
    EXPECT_EQ(v.bytes.size(), 122 + m.hostname.size());
    EXPECT_EQ(wire::secure_discovery_signed_bytes(m), from_hex(v.at("signed")));
    // The seed is the signer's: its key is the one in the message.
    auto signer = identity(v, "seed");
    EXPECT_EQ(signer.public_key(), m.key);
    std::string auth = security::nid_of(m.key) != m.nid ? "nid_key_mismatch"
                       : !security::verify(m.key, wire::secure_discovery_signed_bytes(m), m.signature)
                           ? "bad_signature"
                           : "ok";
    EXPECT_EQ(auth, v.at("auth"));
    // Re-encoding from the fields gives the bytes; an ok vector re-signs to its signature.
    wire::SecureDiscovery again{v.at("solicitation") == "true", nid(v, "nid"), *Locator::parse(v.at("loc")),
                                number(v, "timestamp"), fixed<32>(v, "public_key"), v.at("hostname"),
                                fixed<64>(v, "signature")};
    EXPECT_EQ(wire::encode_secure_discovery(again), v.bytes);
    if (auth == "ok") {
      EXPECT_EQ(signer.sign(wire::secure_discovery_signed_bytes(again)), again.signature);
    }
  }
}

TEST(SecureVectors, UpdatesAndAcks) {
  auto vectors = layer("secure_update");
  ASSERT_GE(vectors.size(), 10u);
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.name());
    auto decoded = wire::decode_secure_update(v.bytes);
    if (v.at("expect") != "ok") {
      ASSERT_FALSE(decoded.ok());
      EXPECT_EQ(drop(decoded.error()), v.at("expect"));
      continue;
    }
    ASSERT_TRUE(decoded.ok()) << to_string(decoded.error());
    const auto& m = *decoded;
    bool ack = v.at("kind") == "ack";
    EXPECT_EQ(m.is_ack, ack);
    EXPECT_EQ(m.sequence, number(v, "sequence"));
    std::vector<Locator> locators;
    if (ack) {
      EXPECT_EQ(m.acknowledges, number(v, "acknowledges"));
      EXPECT_EQ(v.bytes.size(), 113u);
    } else {
      std::string list = v.at("locators");
      for (std::size_t at = 0; at <= list.size();) {
        auto comma = std::min(list.find(',', at), list.size());
        locators.push_back(*Locator::parse(list.substr(at, comma - at)));
        at = comma + 1;
      }
      EXPECT_EQ(m.locators, locators);
      EXPECT_EQ(v.bytes.size(), 106 + 8 * locators.size());
    }
    EXPECT_EQ(m.key, fixed<32>(v, "public_key"));
    EXPECT_EQ(m.signature, fixed<64>(v, "signature"));
    auto source = nid(v, "src_nid"), destination = nid(v, "dst_nid");
    EXPECT_EQ(wire::secure_update_signed_bytes(m, source, destination), from_hex(v.at("signed")));
    auto signer = identity(v, "seed");
    EXPECT_EQ(signer.public_key(), m.key);
    std::string auth = security::nid_of(m.key) != source ? "nid_key_mismatch"
                       : !security::verify(m.key, wire::secure_update_signed_bytes(m, source, destination),
                                           m.signature)
                           ? "bad_signature"
                           : "ok";
    EXPECT_EQ(auth, v.at("auth"));
    wire::SecureUpdate again{ack, number(v, "sequence"), ack ? number(v, "acknowledges") : 0, locators,
                             fixed<32>(v, "public_key"), fixed<64>(v, "signature")};
    EXPECT_EQ(wire::encode_secure_update(again), v.bytes);
    if (auth == "ok") {
      EXPECT_EQ(signer.sign(wire::secure_update_signed_bytes(again, source, destination)), again.signature);
    }
  }
}

// The key and the AEAD as proto/README.md section 9 states them, from libsodium.
std::array<unsigned char, 32> documented_key(const security::Identity& receiver, const security::PublicKey& sender,
                                             Nid sender_nid, std::uint32_t epoch) {
  std::array<unsigned char, 64> ed_secret{};
  std::array<unsigned char, 32> ed_public{}, curve_secret{}, curve_public{}, shared{}, key{};
  auto u = [](const std::byte* p) { return reinterpret_cast<const unsigned char*>(p); };
  crypto_sign_seed_keypair(ed_public.data(), ed_secret.data(), u(receiver.seed().data()));
  crypto_sign_ed25519_sk_to_curve25519(curve_secret.data(), ed_secret.data());
  EXPECT_EQ(crypto_sign_ed25519_pk_to_curve25519(curve_public.data(), u(sender.data())), 0);
  EXPECT_EQ(crypto_scalarmult(shared.data(), curve_secret.data(), curve_public.data()), 0);
  wire::Buffer info;
  wire::ByteWriter w(info);
  w.text("ilnp-overlay seal v1");
  w.u64(sender_nid.value);
  w.u64(receiver.nid().value);
  w.u32(epoch);
  crypto_generichash(key.data(), key.size(), u(info.data()), info.size(), shared.data(), shared.size());
  return key;
}

TEST(SecureVectors, SealedTransport) {
  auto vectors = layer("sealed_transport");
  ASSERT_GE(vectors.size(), 5u);
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.name());
    auto decoded = wire::decode_sealed_transport(v.bytes);
    if (v.at("expect") != "ok") {
      ASSERT_FALSE(decoded.ok());
      EXPECT_EQ(drop(decoded.error()), v.at("expect"));
      continue;
    }
    ASSERT_TRUE(decoded.ok()) << to_string(decoded.error());
    auto epoch = static_cast<std::uint32_t>(number(v, "epoch"));
    auto counter = number(v, "counter");
    EXPECT_EQ(decoded->epoch, epoch);
    EXPECT_EQ(decoded->counter, counter);
    EXPECT_TRUE(std::ranges::equal(decoded->ciphertext, wire::Bytes(v.bytes).subspan(wire::kSealHeaderSize)));

    auto sender = identity(v, "src_seed"), receiver = identity(v, "dst_seed");
    EXPECT_EQ(sender.nid(), nid(v, "src_nid"));
    EXPECT_EQ(receiver.nid(), nid(v, "dst_nid"));
    EXPECT_EQ(sender.public_key(), fixed<32>(v, "src_public_key"));
    EXPECT_EQ(receiver.public_key(), fixed<32>(v, "dst_public_key"));
    auto key = documented_key(receiver, sender.public_key(), sender.nid(), epoch);
    EXPECT_EQ(security::to_hex(wire::Bytes(reinterpret_cast<const std::byte*>(key.data()), key.size())), v.at("key"));

    // The receiver's SealedChannels.
    security::SealedChannels at_receiver(receiver, 1u << 30, 0);
    auto opened = at_receiver.open(sender.nid(), sender.public_key(), *decoded);
    // libsodium straight from the documented nonce and additional data.
    wire::Buffer nonce, ad;
    wire::ByteWriter nw(nonce), aw(ad);
    nw.u32(epoch);
    nw.u64(counter);
    aw.text("ilnp-overlay seal v1");
    aw.u64(sender.nid().value);
    aw.u64(receiver.nid().value);
    aw.u32(epoch);
    aw.u64(counter);
    wire::Buffer plain(decoded->ciphertext.size() - wire::kSealTagSize);
    unsigned long long length = 0;
    auto u = [](const std::byte* p) { return reinterpret_cast<const unsigned char*>(p); };
    bool documented_opens = crypto_aead_chacha20poly1305_ietf_decrypt(
                                reinterpret_cast<unsigned char*>(plain.data()), &length, nullptr,
                                u(decoded->ciphertext.data()), decoded->ciphertext.size(), u(ad.data()), ad.size(),
                                u(nonce.data()), key.data()) == 0;
    if (v.at("open") != "ok") {
      ASSERT_FALSE(opened.ok());
      EXPECT_EQ(std::string(to_string(opened.error())), v.at("open"));
      EXPECT_FALSE(documented_opens);
      continue;
    }
    ASSERT_TRUE(opened.ok()) << to_string(opened.error());
    ASSERT_TRUE(documented_opens);
    auto plaintext = from_hex(v.at("plaintext"));
    EXPECT_EQ(*opened, plaintext);
    EXPECT_EQ(plain, plaintext);
    EXPECT_EQ(v.bytes.size(), plaintext.size() + wire::kSealOverhead);
    auto segment = wire::decode_transport(plaintext);
    ASSERT_TRUE(segment.ok());
    EXPECT_EQ(segment->source_port, std::stoul(v.at("src_port")));
    EXPECT_EQ(segment->destination_port, std::stoul(v.at("dst_port")));
    EXPECT_EQ(wire::Buffer(segment->data.begin(), segment->data.end()), from_hex(v.at("data")));
    // A second delivery of the same datagram is a replay.
    EXPECT_EQ(at_receiver.open(sender.nid(), sender.public_key(), *decoded).error(), DropReason::replayed_datagram);

    // Re-encoding: the sender's SealedChannels numbers datagram k of a fresh
    // channel (rekey after R) as epoch k / R, counter k % R; with R = counter + 1
    // datagram epoch * R + counter is this one, and it seals to the same bytes.
    security::SealedChannels at_sender(sender, counter + 1, 0);
    wire::Buffer again;
    for (std::uint64_t k = 0; k <= epoch * (counter + 1) + counter; ++k)
      again = at_sender.seal(receiver.nid(), receiver.public_key(), plaintext);
    EXPECT_EQ(again, v.bytes);
  }
}

TEST(SecureVectors, EveryDropReasonOfTheSecureDecodersHasAVector) {
  std::map<std::string, std::set<std::string>> seen;
  for (const auto& v : load_vectors("secure.vec")) seen[v.at("layer")].insert(v.at("expect"));
  for (auto reason : {DropReason::truncated_secure_message, DropReason::bad_discovery_flag, DropReason::empty_hostname,
                      DropReason::hostname_not_utf8})
    EXPECT_TRUE(seen["secure_discovery"].contains(drop(reason))) << to_string(reason);
  for (auto reason : {DropReason::truncated_secure_message, DropReason::bad_locator_update_flag,
                      DropReason::bad_locator_update_length, DropReason::too_many_locators})
    EXPECT_TRUE(seen["secure_update"].contains(drop(reason))) << to_string(reason);
  EXPECT_TRUE(seen["sealed_transport"].contains(drop(DropReason::truncated_secure_message)));
}

}  // namespace
}  // namespace ilnp
