// Writes proto/vectors/secure.vec: secure-mode test vectors (next headers 45,
// 46, 47; proto/README.md section 9) with fixed keys, timestamps, sequences and
// epochs/counters. Encodes with the project's codecs, signs with its Identity,
// seals with its SealedChannels, and checks every sealed datagram against an
// independent derivation straight from libsodium (aborts on any difference).
// Not built by CMake or run by ctest; regenerate by hand after a wire change:
//
//   c++ -std=c++20 -Iinclude tests/support/gen_secure_vectors.cpp build/libilnp_core.a
//       $(pkg-config --cflags --libs libsodium) -o /tmp/gen_secure_vectors   (one line)
//   /tmp/gen_secure_vectors > proto/vectors/secure.vec
//
// The output is deterministic (Ed25519 signatures are; nothing is random).
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ilnp/core/security/identity.hpp"
#include "ilnp/core/security/sealed_channels.hpp"
#include "ilnp/core/wire/messages.hpp"
#include "ilnp/core/wire/secure_messages.hpp"

namespace {

using namespace ilnp;
using wire::Buffer;
using wire::Bytes;

constexpr std::uint64_t kTimestamp = 1700000000000000;  // 2023-11-14 22:13:20 UTC, in microseconds
constexpr Locator A{0xa}, B{0xb}, C{0xc};

void die(const std::string& why) {
  std::cerr << "gen_secure_vectors: " << why << "\n";
  std::exit(1);
}

security::Identity identity(std::uint8_t byte) {
  security::Seed seed{};
  seed.fill(static_cast<std::byte>(byte));
  return security::Identity::from_seed(seed);
}

std::string hex(Bytes b) { return security::to_hex(b); }

// Lowercase hex with a space between the fields of `widths`; what is left over
// (after a truncation or with trailing bytes) forms the last group.
std::string spaced(Bytes bytes, const std::vector<std::size_t>& widths) {
  std::string out;
  std::size_t at = 0;
  auto group = [&](std::size_t n) {
    if (n == 0) return;
    if (!out.empty()) out += ' ';
    out += hex(bytes.subspan(at, n));
    at += n;
  };
  for (auto w : widths) group(std::min(w, bytes.size() - at));
  group(bytes.size() - at);
  return out;
}

struct Block {
  std::string comment;
  std::vector<std::pair<std::string, std::string>> fields;
};
std::vector<Block> blocks;
std::set<std::string> names;

Block& add(const std::string& comment, const std::string& name, const std::string& layer, const std::string& hex_text,
           const std::string& expect) {
  if (!names.insert(name).second) die("duplicate vector name " + name);
  blocks.push_back({comment, {{"name", name}, {"layer", layer}, {"hex", hex_text}, {"expect", expect}}});
  return blocks.back();
}
void field(Block& b, const std::string& key, const std::string& value) { b.fields.emplace_back(key, value); }

// --- 45 --------------------------------------------------------------------------
std::vector<std::size_t> discovery_widths(std::size_t hostname) { return {1, 8, 8, 8, 32, 1, hostname, 64}; }

wire::SecureDiscovery signed_discovery(const security::Identity& signer, Nid nid, Locator loc, bool solicitation,
                                       std::uint64_t timestamp, const std::string& hostname) {
  wire::SecureDiscovery m{solicitation, nid, loc, timestamp, signer.public_key(), hostname, {}};
  m.signature = signer.sign(wire::secure_discovery_signed_bytes(m));
  return m;
}

// What a receiving node checks after decoding: key owns the NID, then the signature.
std::string discovery_auth(const wire::SecureDiscovery& m) {
  if (security::nid_of(m.key) != m.nid) return "nid_key_mismatch";
  if (!security::verify(m.key, wire::secure_discovery_signed_bytes(m), m.signature)) return "bad_signature";
  return "ok";
}

void discovery_ok(const std::string& comment, const std::string& name, const wire::SecureDiscovery& m,
                  const std::string& seed_hex) {
  auto bytes = wire::encode_secure_discovery(m);
  auto back = wire::decode_secure_discovery(bytes);
  if (!back) die(name + " does not decode");
  auto& b = add(comment, name, "secure_discovery", spaced(bytes, discovery_widths(m.hostname.size())), "ok");
  field(b, "solicitation", m.solicitation ? "true" : "false");
  field(b, "nid", m.nid.to_string());
  field(b, "loc", m.locator.to_string());
  field(b, "timestamp", std::to_string(m.timestamp));
  field(b, "public_key", hex(m.key));
  field(b, "hostname", m.hostname);
  field(b, "signature", hex(m.signature));
  field(b, "signed", hex(wire::secure_discovery_signed_bytes(m)));
  field(b, "seed", seed_hex);
  field(b, "auth", discovery_auth(m));
}

void discovery_reject(const std::string& comment, const std::string& name, Bytes bytes, std::size_t hostname_width) {
  auto decoded = wire::decode_secure_discovery(bytes);
  if (decoded) die(name + " decodes but is meant to be refused");
  add(comment, name, "secure_discovery", spaced(bytes, discovery_widths(hostname_width)),
      "drop:" + std::string(to_string(decoded.error())));
}

// --- 46 --------------------------------------------------------------------------
std::vector<std::size_t> update_widths(const wire::SecureUpdate& m) {
  if (m.is_ack) return {1, 8, 8, 32, 64};
  std::vector<std::size_t> w{1, 8, 1};
  for (std::size_t i = 0; i < m.locators.size(); ++i) w.push_back(8);
  w.push_back(32);
  w.push_back(64);
  return w;
}

wire::SecureUpdate signed_update(const security::Identity& signer, Nid source, Nid destination, bool ack,
                                 std::uint64_t sequence, std::uint64_t acknowledges, std::vector<Locator> locators) {
  wire::SecureUpdate m{ack, sequence, acknowledges, std::move(locators), signer.public_key(), {}};
  m.signature = signer.sign(wire::secure_update_signed_bytes(m, source, destination));
  return m;
}

std::string update_auth(const wire::SecureUpdate& m, Nid source, Nid destination) {
  if (security::nid_of(m.key) != source) return "nid_key_mismatch";
  if (!security::verify(m.key, wire::secure_update_signed_bytes(m, source, destination), m.signature))
    return "bad_signature";
  return "ok";
}

void update_ok(const std::string& comment, const std::string& name, const wire::SecureUpdate& m, Nid source,
               Nid destination, const std::string& seed_hex) {
  auto bytes = wire::encode_secure_update(m);
  if (!wire::decode_secure_update(bytes)) die(name + " does not decode");
  auto& b = add(comment, name, "secure_update", spaced(bytes, update_widths(m)), "ok");
  field(b, "kind", m.is_ack ? "ack" : "update");
  field(b, "sequence", std::to_string(m.sequence));
  if (m.is_ack) {
    field(b, "acknowledges", std::to_string(m.acknowledges));
  } else {
    std::string list;
    for (auto l : m.locators) list += (list.empty() ? "" : ",") + l.to_string();
    field(b, "locators", list);
  }
  field(b, "public_key", hex(m.key));
  field(b, "signature", hex(m.signature));
  field(b, "src_nid", source.to_string());
  field(b, "dst_nid", destination.to_string());
  field(b, "signed", hex(wire::secure_update_signed_bytes(m, source, destination)));
  field(b, "seed", seed_hex);
  field(b, "auth", update_auth(m, source, destination));
}

void update_reject(const std::string& comment, const std::string& name, Bytes bytes,
                   const std::vector<std::size_t>& widths) {
  auto decoded = wire::decode_secure_update(bytes);
  if (decoded) die(name + " decodes but is meant to be refused");
  add(comment, name, "secure_update", spaced(bytes, widths), "drop:" + std::string(to_string(decoded.error())));
}

// --- 47 --------------------------------------------------------------------------
// The direction key and the AEAD straight from libsodium, as proto/README.md
// describes them, to check SealedChannels against.
Buffer be(std::uint64_t v, std::size_t width) {
  Buffer out;
  for (std::size_t i = width; i-- > 0;) out.push_back(static_cast<std::byte>((v >> (8 * i)) & 0xff));
  return out;
}
Buffer concat(std::initializer_list<Bytes> parts) {
  Buffer out;
  for (auto p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
const unsigned char* uc(const std::byte* p) { return reinterpret_cast<const unsigned char*>(p); }

std::array<unsigned char, 32> reference_key(const security::Identity& sender, const security::Identity& receiver,
                                            std::uint32_t epoch) {
  std::array<unsigned char, 64> ed_secret{};
  std::array<unsigned char, 32> ed_public{}, curve_secret{}, curve_public{}, shared{}, key{};
  crypto_sign_seed_keypair(ed_public.data(), ed_secret.data(), uc(sender.seed().data()));
  crypto_sign_ed25519_sk_to_curve25519(curve_secret.data(), ed_secret.data());
  if (crypto_sign_ed25519_pk_to_curve25519(curve_public.data(), uc(receiver.public_key().data())) != 0 ||
      crypto_scalarmult(shared.data(), curve_secret.data(), curve_public.data()) != 0)
    die("X25519 failed");
  auto info = concat({wire::as_bytes("ilnp-overlay seal v1"), be(sender.nid().value, 8), be(receiver.nid().value, 8),
                      be(epoch, 4)});
  crypto_generichash(key.data(), key.size(), uc(info.data()), info.size(), shared.data(), shared.size());
  return key;
}

Buffer reference_seal(const security::Identity& sender, const security::Identity& receiver, std::uint32_t epoch,
                      std::uint64_t counter, Bytes plaintext) {
  auto key = reference_key(sender, receiver, epoch);
  auto nonce = concat({be(epoch, 4), be(counter, 8)});
  auto ad = concat({wire::as_bytes("ilnp-overlay seal v1"), be(sender.nid().value, 8), be(receiver.nid().value, 8),
                    be(epoch, 4), be(counter, 8)});
  Buffer out = nonce;
  out.resize(nonce.size() + plaintext.size() + 16);
  unsigned long long written = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char*>(out.data() + 12), &written,
                                            uc(plaintext.data()), plaintext.size(), uc(ad.data()), ad.size(), nullptr,
                                            uc(nonce.data()), key.data());
  return out;
}

// SealedChannels numbers datagrams itself: datagram k (from 0) of a fresh
// channel with rekey_after R is epoch k / R, counter k % R.
Buffer project_seal(const security::Identity& sender, const security::Identity& receiver, std::uint32_t epoch,
                    std::uint64_t counter, Bytes plaintext) {
  security::SealedChannels channels(sender, counter + 1, 0);
  Buffer out;
  for (std::uint64_t k = 0; k <= epoch * (counter + 1) + counter; ++k)
    out = channels.seal(receiver.nid(), receiver.public_key(), plaintext);
  return out;
}

void sealed_ok(const std::string& comment, const std::string& name, const security::Identity& sender,
               const security::Identity& receiver, std::uint32_t epoch, std::uint64_t counter, std::uint16_t src_port, std::uint16_t dst_port,
               Bytes data) {
  auto plaintext = wire::encode_transport(src_port, dst_port, data);
  auto sealed = project_seal(sender, receiver, epoch, counter, plaintext);
  if (sealed != reference_seal(sender, receiver, epoch, counter, plaintext))
    die(name + ": SealedChannels and the reference derivation disagree");
  security::SealedChannels at_receiver(receiver, 1u << 30, 0);
  auto opened = at_receiver.open(sender.nid(), sender.public_key(), *wire::decode_sealed_transport(sealed));
  if (!opened || *opened != plaintext) die(name + ": does not open");
  auto& b = add(comment, name, "sealed_transport", spaced(sealed, {4, 8, plaintext.size(), 16}), "ok");
  field(b, "epoch", std::to_string(epoch));
  field(b, "counter", std::to_string(counter));
  field(b, "src_nid", sender.nid().to_string());
  field(b, "dst_nid", receiver.nid().to_string());
  field(b, "src_seed", hex(sender.seed()));
  field(b, "dst_seed", hex(receiver.seed()));
  field(b, "src_public_key", hex(sender.public_key()));
  field(b, "dst_public_key", hex(receiver.public_key()));
  auto key = reference_key(sender, receiver, epoch);
  field(b, "key", hex(wire::Bytes(reinterpret_cast<const std::byte*>(key.data()), key.size())));
  field(b, "plaintext", spaced(plaintext, {2, 2}));
  field(b, "src_port", std::to_string(src_port));
  field(b, "dst_port", std::to_string(dst_port));
  field(b, "data", hex(data));
  field(b, "open", "ok");
}

void print() {
  std::cout << R"(# secure.vec: secure-mode payloads (next headers 45, 46, 47; proto/README.md section 9).
# Generated by tests/support/gen_secure_vectors.cpp (build and run as its first
# lines say); format of proto/README.md section 10. Do not edit.
#
# Fixed keys: Ed25519 seeds of one repeated byte, 01 = alice, 02 = bob,
# 03 = mallory (the secret keys are public here on purpose). Fixed times:
# timestamps and sequences are 1700000000000000 + small offsets (microseconds).
# A reject vector carries no field keys; its reason is the decoder's (the
# first failing check of src/core/wire/secure_messages.cpp). An ok 45 or 46
# vector re-encodes from its fields to its bytes (and, when auth is ok,
# re-signs to its signature); a sealed one that opens re-seals to its bytes.
#
# layer secure_discovery (hex = payload of next header 45), when ok:
#   solicitation  true/false (the first byte)
#   nid, loc      the named node's NID and locator (section 1 notation)
#   timestamp     decimal microseconds
#   public_key    32 bytes, hex
#   hostname      raw UTF-8 to the end of the line
#   signature     64 bytes, hex
#   signed        hex of what the signature covers: "ilnp-overlay discovery v1"
#                 then the payload up to the signature
#   seed          the signer's Ed25519 seed, hex
#   auth          what a receiving node's checks say, in order: nid_key_mismatch
#                 (nid != NID of public_key), bad_signature, or ok
# layer secure_update (hex = payload of next header 46), when ok:
#   kind          update/ack
#   sequence      decimal
#   locators      updates only: comma-separated, no spaces
#   acknowledges  acks only: the acknowledged update's sequence, decimal
#   public_key, signature, seed, auth   as above (auth checks the key against src_nid)
#   src_nid, dst_nid   the network header's source and destination NIDs, which
#                 the signature covers
#   signed        "ilnp-overlay update v1" || src_nid || dst_nid || payload up to
#                 the signature, hex
# layer sealed_transport (hex = payload of next header 47), when ok:
#   epoch, counter     decimal
#   src_nid, dst_nid   sender and receiver (header NIDs; in the AEAD's data)
#   src_seed, dst_seed, src_public_key, dst_public_key   their identities
#   key           the sender -> receiver key of this epoch: BLAKE2b-256 keyed with
#                 X25519(sender, receiver) of "ilnp-overlay seal v1" || src_nid ||
#                 dst_nid || epoch, hex
#   open          what the receiver's open gives: ok or decrypt_failed
#   and when open is ok:
#   plaintext     the sealed skinny transport segment (ports + data), hex
#   src_port, dst_port, data   that segment's fields (data hex, may be empty)
)";
  for (const auto& b : blocks) {
    std::cout << "\n";
    if (!b.comment.empty()) std::cout << "# " << b.comment << "\n";
    for (const auto& [k, v] : b.fields) std::cout << k << ":" << (v.empty() ? "" : " " + v) << "\n";
  }
}

}  // namespace

int main() {
  if (sodium_init() < 0) die("libsodium failed to initialise");
  auto alice = identity(0x01), bob = identity(0x02), mallory = identity(0x03);
  auto seed_of = [](const security::Identity& id) { return hex(id.seed()); };

  // 45 ----------------------------------------------------------------------------
  auto advert = signed_discovery(alice, alice.nid(), A, false, kTimestamp, "alice");
  discovery_ok("alice advertises on 0:0:0:a: 122 + 5 bytes", "sdisc_alice_advertisement", advert, seed_of(alice));
  auto solicit = signed_discovery(bob, bob.nid(), B, true, kTimestamp + 1, "bob");
  discovery_ok("bob solicits on 0:0:0:b (and names himself)", "sdisc_bob_solicitation", solicit, seed_of(bob));
  auto longest = signed_discovery(alice, alice.nid(), C, false, kTimestamp + 2, std::string(255, 'h'));
  discovery_ok("the longest hostname: 255 bytes (377 bytes in all)", "sdisc_hostname_255_bytes", longest,
               seed_of(alice));
  auto utf8 = signed_discovery(bob, bob.nid(), Locator{0xffffffffffffffffULL}, false, kTimestamp + 3,
                               "b\xc3\xb6" "b \xe2\x82\xac");
  discovery_ok("multi-byte UTF-8 and a space in the hostname; the largest locator", "sdisc_utf8_hostname", utf8,
               seed_of(bob));
  auto claim = signed_discovery(mallory, alice.nid(), B, false, kTimestamp + 4, "alice");
  discovery_ok("mallory claims alice's NID with its own key: decodes, the NID check refuses it",
               "sdisc_nid_not_the_keys", claim, seed_of(mallory));
  auto tampered = advert;
  tampered.locator = Locator{0xe};  // after signing
  discovery_ok("alice's advertisement with the locator changed to 0:0:0:e after signing",
               "sdisc_locator_changed_after_signing", tampered, seed_of(alice));

  auto advert_bytes = wire::encode_secure_discovery(advert);
  Bytes ab(advert_bytes);
  discovery_reject("", "sdisc_empty", ab.first(0), 5);
  discovery_reject("the flag byte alone", "sdisc_flag_only", ab.first(1), 5);
  discovery_reject("cut in the public key", "sdisc_truncated_in_key", ab.first(40), 5);
  discovery_reject("cut before the hostname length", "sdisc_truncated_before_length", ab.first(57), 5);
  discovery_reject("cut in the hostname", "sdisc_truncated_in_hostname", ab.first(60), 5);
  discovery_reject("the last signature byte missing", "sdisc_truncated_signature", ab.first(ab.size() - 1), 5);
  {
    auto b = advert_bytes;
    b[0] = std::byte{2};
    discovery_reject("flag 2", "sdisc_flag_2", b, 5);
    b[0] = std::byte{0xff};
    discovery_reject("flag ff", "sdisc_flag_ff", b, 5);
  }
  {
    auto b = advert_bytes;
    b.push_back(std::byte{0});
    discovery_reject("one trailing byte after the signature", "sdisc_trailing_byte", b, 5);
  }
  {
    // Length 0 with a signature after it.
    Buffer b(ab.begin(), ab.begin() + 57);
    b.push_back(std::byte{0});
    b.insert(b.end(), advert.signature.begin(), advert.signature.end());
    discovery_reject("hostname length 0", "sdisc_empty_hostname", b, 0);
  }
  {
    auto b = advert_bytes;
    b[57] = std::byte{6};  // says 6, 5 follow before the signature
    discovery_reject("hostname length 6 but 5 bytes before the signature", "sdisc_length_too_long", b, 6);
  }
  for (auto [name, comment, bad] :
       {std::tuple{"sdisc_hostname_overlong_utf8", "overlong encoding c0 af in the hostname", std::string("a\xc0\xaf")},
        std::tuple{"sdisc_hostname_control_char", "a control character (tab) in the hostname", std::string("a\tb")},
        std::tuple{"sdisc_hostname_surrogate", "a surrogate ed a0 80 in the hostname", std::string("\xed\xa0\x80")}}) {
    auto m = advert;
    m.hostname = bad;
    m.signature = alice.sign(wire::secure_discovery_signed_bytes(m));
    discovery_reject(comment, name, wire::encode_secure_discovery(m), bad.size());
  }

  // 46 ----------------------------------------------------------------------------
  auto update = signed_update(alice, alice.nid(), bob.nid(), false, kTimestamp + 10, 0, {C});
  update_ok("alice tells bob she moved to 0:0:0:c: 114 bytes", "supd_alice_update_one_locator", update, alice.nid(),
            bob.nid(), seed_of(alice));
  auto two = signed_update(alice, alice.nid(), bob.nid(), false, kTimestamp + 11, 0, {A, C});
  update_ok("soft handoff: two locators", "supd_alice_update_two_locators", two, alice.nid(), bob.nid(),
            seed_of(alice));
  std::vector<Locator> sixteen;
  for (std::uint64_t i = 0; i < 16; ++i) sixteen.push_back(Locator{0x10000 + i});
  auto max = signed_update(alice, alice.nid(), bob.nid(), false, kTimestamp + 12, 0, sixteen);
  update_ok("the most locators: 16", "supd_update_sixteen_locators", max, alice.nid(), bob.nid(), seed_of(alice));
  auto ack = signed_update(bob, bob.nid(), alice.nid(), true, kTimestamp + 20, kTimestamp + 10, {});
  update_ok("bob acknowledges alice's update: 113 bytes", "supd_bob_ack", ack, bob.nid(), alice.nid(), seed_of(bob));
  update_ok("alice's update to bob, received by mallory (dst_nid is mallory's): the signature covers the "
            "destination NID",
            "supd_update_other_destination", update, alice.nid(), mallory.nid(), seed_of(alice));
  auto forged = signed_update(mallory, alice.nid(), bob.nid(), false, kTimestamp + 30, 0, {Locator{0xe}});
  update_ok("mallory, with its own key, claims to be alice (header source NID alice's)", "supd_forged_key_not_nid",
            forged, alice.nid(), bob.nid(), seed_of(mallory));

  auto ub = wire::encode_secure_update(update);
  auto uw = update_widths(update);
  auto ackb = wire::encode_secure_update(ack);
  auto aw = update_widths(ack);
  update_reject("", "supd_empty", Bytes(ub).first(0), uw);
  update_reject("kind only", "supd_kind_only", Bytes(ub).first(1), uw);
  update_reject("cut in the sequence", "supd_truncated_sequence", Bytes(ub).first(5), uw);
  update_reject("no locator count", "supd_truncated_before_count", Bytes(ub).first(9), uw);
  update_reject("count 1, locator cut", "supd_truncated_locator", Bytes(ub).first(14), uw);
  update_reject("no key", "supd_truncated_before_key", Bytes(ub).first(18), uw);
  update_reject("the last signature byte missing", "supd_truncated_signature", Bytes(ub).first(ub.size() - 1), uw);
  update_reject("ack: cut in the acknowledged sequence", "supd_ack_truncated_acknowledges", Bytes(ackb).first(12), aw);
  update_reject("ack: the last signature byte missing", "supd_ack_truncated_signature",
                Bytes(ackb).first(ackb.size() - 1), aw);
  {
    auto b = ub;
    b[0] = std::byte{2};
    update_reject("kind 2", "supd_kind_2", b, uw);
  }
  {
    auto b = ub;
    b[9] = std::byte{0};
    update_reject("count 0 (and the locator after it)", "supd_count_0", b, uw);
  }
  {
    // Count 17 with 17 locators: refused for the count before the length is read.
    auto m = max;
    m.locators.push_back(Locator{0x10010});
    Buffer b;
    wire::ByteWriter w(b);
    w.u8(1);
    w.u64(m.sequence);
    w.u8(17);
    for (auto l : m.locators) w.u64(l.value);
    w.bytes(m.key);
    w.bytes(m.signature);
    auto widths = update_widths(m);
    update_reject("count 17 (17 locators follow)", "supd_count_17", b, widths);
  }
  {
    auto b = ub;
    b[9] = std::byte{2};  // says two locators: the key's first 8 bytes read as the second
    update_reject("count 2 but one locator", "supd_count_2_one_locator", b, uw);
  }
  {
    auto b = ub;
    b.push_back(std::byte{0});
    update_reject("update: one trailing byte", "supd_trailing_byte", b, uw);
    auto a = ackb;
    a.insert(a.end(), 8, std::byte{0});
    update_reject("ack: eight trailing bytes", "supd_ack_trailing_bytes", a, aw);
  }

  // 47 ----------------------------------------------------------------------------
  std::string hello = "hello bob";
  sealed_ok("alice -> bob, epoch 0, counter 0, ports 1000 -> 1000", "seal_alice_to_bob_first", alice, bob, 0, 0,
            1000, 1000, wire::as_bytes(hello));
  Buffer sequence = be(42, 8);
  sealed_ok("bob -> alice after a rekey: epoch 1, counter 2; an experiment datagram's sequence number",
            "seal_bob_to_alice_epoch_1", bob, alice, 1, 2, 1000, 2000, sequence);
  sealed_ok("no data: the shortest sealed payload (32 bytes)", "seal_empty_data", alice, bob, 0, 7, 5, 6, {});
  {
    auto plaintext = wire::encode_transport(1000, 1000, wire::as_bytes(hello));
    auto sealed = project_seal(alice, bob, 0, 0, plaintext);
    sealed.back() ^= std::byte{1};
    auto& b = add("seal_alice_to_bob_first with one tag bit flipped", "seal_tampered_tag", "sealed_transport",
                  spaced(sealed, {4, 8, plaintext.size(), 16}), "ok");
    field(b, "epoch", "0");
    field(b, "counter", "0");
    field(b, "src_nid", alice.nid().to_string());
    field(b, "dst_nid", bob.nid().to_string());
    field(b, "src_seed", hex(alice.seed()));
    field(b, "dst_seed", hex(bob.seed()));
    field(b, "src_public_key", hex(alice.public_key()));
    field(b, "dst_public_key", hex(bob.public_key()));
    auto key = reference_key(alice, bob, 0);
    field(b, "key", hex(wire::Bytes(reinterpret_cast<const std::byte*>(key.data()), key.size())));
    field(b, "open", "decrypt_failed");
    auto sealed2 = project_seal(alice, bob, 0, 0, plaintext);
    auto& c = add("seal_alice_to_bob_first opened as if mallory had sent it", "seal_wrong_sender", "sealed_transport",
                  spaced(sealed2, {4, 8, plaintext.size(), 16}), "ok");
    field(c, "epoch", "0");
    field(c, "counter", "0");
    field(c, "src_nid", mallory.nid().to_string());
    field(c, "dst_nid", bob.nid().to_string());
    field(c, "src_seed", hex(mallory.seed()));
    field(c, "dst_seed", hex(bob.seed()));
    field(c, "src_public_key", hex(mallory.public_key()));
    field(c, "dst_public_key", hex(bob.public_key()));
    auto mkey = reference_key(mallory, bob, 0);
    field(c, "key", hex(wire::Bytes(reinterpret_cast<const std::byte*>(mkey.data()), mkey.size())));
    field(c, "open", "decrypt_failed");
    for (std::size_t cut : {std::size_t{0}, std::size_t{12}, std::size_t{31}}) {
      auto decoded = wire::decode_sealed_transport(Bytes(sealed2).first(cut));
      if (decoded) die("a truncated sealed payload decodes");
      add(cut == 31 ? "one byte short of header + tag + ports" : cut == 12 ? "epoch and counter only" : "",
          "seal_truncated_" + std::to_string(cut), "sealed_transport", spaced(Bytes(sealed2).first(cut), {4, 8}),
          "drop:" + std::string(to_string(decoded.error())));
    }
  }
  print();
  return 0;
}
