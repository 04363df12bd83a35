// Secure mode with fixed keys: signatures, NID ownership, freshness, sealing.
#include <gtest/gtest.h>

#include "fixed_identity.hpp"
#include "ilnp/core/node/node.hpp"
#include "ilnp/core/security/sealed_channels.hpp"
#include "ilnp/core/wire/secure_messages.hpp"

namespace ilnp {
namespace {

using namespace std::chrono_literals;
constexpr Locator A{0xa}, B{0xb};

using testing::fixed_identity;

TEST(Identity, NidIsDerivedFromTheKeyAndSignaturesVerify) {
  auto alice = fixed_identity(1), mallory = fixed_identity(2);
  EXPECT_EQ(alice.nid(), security::nid_of(alice.public_key()));
  EXPECT_NE(alice.nid(), mallory.nid());
  EXPECT_EQ(fixed_identity(1).nid(), alice.nid());  // deterministic from the seed
  auto message = wire::as_bytes("locator update");
  auto sig = alice.sign(message);
  EXPECT_TRUE(security::verify(alice.public_key(), message, sig));
  EXPECT_FALSE(security::verify(mallory.public_key(), message, sig));  // wrong key
  auto tampered = sig;
  tampered[0] ^= std::byte{1};
  EXPECT_FALSE(security::verify(alice.public_key(), message, tampered));
  EXPECT_FALSE(security::verify(alice.public_key(), wire::as_bytes("locator updatE"), sig));
}

TEST(SecureWire, DiscoveryAndUpdatesRoundTrip) {
  auto alice = fixed_identity(1);
  wire::SecureDiscovery d{true, alice.nid(), A, 1234, alice.public_key(), "alice", {}};
  d.signature = alice.sign(wire::secure_discovery_signed_bytes(d));
  auto bytes = wire::encode_secure_discovery(d);
  EXPECT_EQ(bytes.size(), 122u + 5u);
  auto back = wire::decode_secure_discovery(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->hostname, "alice");
  EXPECT_TRUE(security::verify(back->key, wire::secure_discovery_signed_bytes(*back), back->signature));
  for (std::size_t cut = 0; cut < bytes.size(); ++cut)
    EXPECT_FALSE(wire::decode_secure_discovery(wire::Bytes(bytes).first(cut)).ok()) << cut;

  wire::SecureUpdate u{false, 99, 0, {A, B}, alice.public_key(), {}};
  auto ubytes = wire::encode_secure_update(u);
  EXPECT_EQ(ubytes.size(), 1u + 8 + 1 + 16 + 32 + 64);
  auto uback = wire::decode_secure_update(ubytes);
  ASSERT_TRUE(uback.ok());
  EXPECT_EQ(uback->locators, (std::vector<Locator>{A, B}));
  // The signature covers both NIDs: an update for bob is no update for carol.
  EXPECT_NE(wire::secure_update_signed_bytes(u, alice.nid(), Nid{1}),
            wire::secure_update_signed_bytes(u, alice.nid(), Nid{2}));
}

TEST(SealedChannels, RoundTripTamperReplayAndRekey) {
  auto alice = fixed_identity(1), bob = fixed_identity(3);
  security::SealedChannels at_alice(alice, 3, 0), at_bob(bob, 3, 0);
  auto plain = wire::encode_transport(1000, 2000, wire::as_bytes("secret"));
  std::vector<wire::Buffer> sent;
  for (int i = 0; i < 5; ++i) sent.push_back(at_alice.seal(bob.nid(), bob.public_key(), plain));
  EXPECT_EQ(sent[0].size(), plain.size() + wire::kSealOverhead);
  EXPECT_EQ(at_alice.send_epoch(bob.nid()), 1u);  // rekeyed after 3
  for (const auto& s : sent) {
    auto opened = at_bob.open(alice.nid(), alice.public_key(), *wire::decode_sealed_transport(s));
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(*opened, plain);
  }
  // Replay of an accepted datagram.
  EXPECT_EQ(at_bob.open(alice.nid(), alice.public_key(), *wire::decode_sealed_transport(sent[4])).error(),
            DropReason::replayed_datagram);
  // One flipped bit anywhere fails authentication.
  auto tampered = at_alice.seal(bob.nid(), bob.public_key(), plain);
  tampered.back() ^= std::byte{1};
  EXPECT_EQ(at_bob.open(alice.nid(), alice.public_key(), *wire::decode_sealed_transport(tampered)).error(),
            DropReason::decrypt_failed);
  // Sealed for bob, it does not open as if from someone else.
  auto mallory = fixed_identity(2);
  auto again = at_alice.seal(bob.nid(), bob.public_key(), plain);
  EXPECT_EQ(at_bob.open(mallory.nid(), mallory.public_key(), *wire::decode_sealed_transport(again)).error(),
            DropReason::decrypt_failed);
  // A forged far-future epoch neither opens nor blocks the genuine one.
  auto forged = again;
  forged[0] = std::byte{0x7f};
  EXPECT_EQ(at_bob.open(alice.nid(), alice.public_key(), *wire::decode_sealed_transport(forged)).error(),
            DropReason::decrypt_failed);
  EXPECT_TRUE(at_bob.open(alice.nid(), alice.public_key(), *wire::decode_sealed_transport(again)).ok());
}

// Two secure nodes on one link, driven by hand.
struct SecureNodes : ::testing::Test {
  security::Identity alice_id = fixed_identity(1), bob_id = fixed_identity(3), mallory_id = fixed_identity(2);
  static NodeConfig config(const security::Identity& id, const char* name, std::vector<std::vector<Locator>> cycle) {
    NodeConfig c;
    c.nid = id.nid();
    c.hostname = name;
    c.locator_cycle = std::move(cycle);
    c.security.secure = true;
    return c;
  }
  Node alice{config(alice_id, "alice", {{A}, {B}}), 1, {}, alice_id};
  Node bob{config(bob_id, "bob", {{A, B}}), 2, {}, bob_id};
  Instant now{};

  std::vector<Transmit> run(Node& from) {
    std::vector<Transmit> out;
    while (auto a = from.poll_action())
      if (auto* t = std::get_if<Transmit>(&*a)) out.push_back(std::move(*t));
    return out;
  }
  void carry(Node& from, Node& to) {
    for (auto& t : run(from)) to.handle_datagram(now, t.link, t.bytes);
  }
  void SetUp() override {
    alice.start(now);
    bob.start(now);
    alice.handle_timeout(now);
    bob.handle_timeout(now);
    carry(alice, bob);
    carry(bob, alice);
    carry(alice, bob);
  }
};

TEST_F(SecureNodes, SignedDiscoveryBindsNamesAndKeys) {
  EXPECT_EQ(bob.resolve("alice", now)->nid, alice_id.nid());
  EXPECT_TRUE(bob.peer_keys().key_of(alice_id.nid()));
  EXPECT_EQ(alice.resolve("bob", now)->nid, bob_id.nid());
}

TEST_F(SecureNodes, ForgedAndReplayedMessagesChangeNothing) {
  // mallory claims alice's NID with its own key.
  wire::SecureDiscovery d{false, alice_id.nid(), B, 5000, mallory_id.public_key(), "alice", {}};
  d.signature = mallory_id.sign(wire::secure_discovery_signed_bytes(d));
  wire::Header h;
  h.source = Ilv{B, alice_id.nid()};
  h.destination = Ilv{kAllNodes, Nid{0}};
  h.next_header = static_cast<std::uint8_t>(wire::NextHeader::secure_discovery);
  bob.handle_datagram(now, B, wire::encode_packet(h, wire::encode_secure_discovery(d)));
  EXPECT_EQ(bob.stats().dropped(DropReason::nid_key_mismatch), 1u);
  // mallory claims the name "alice" with its own NID: the live name stays alice's.
  d.nid = mallory_id.nid();
  d.signature = mallory_id.sign(wire::secure_discovery_signed_bytes(d));
  h.source.nid = mallory_id.nid();
  bob.handle_datagram(now, B, wire::encode_packet(h, wire::encode_secure_discovery(d)));
  EXPECT_EQ(bob.stats().dropped(DropReason::hostname_taken), 1u);
  EXPECT_EQ(bob.resolve("alice", now)->nid, alice_id.nid());
  // A genuinely signed message far from our clock (security.max_message_age) is refused.
  d.hostname = "mallory";
  d.timestamp = std::uint64_t{1} << 40;
  d.signature = mallory_id.sign(wire::secure_discovery_signed_bytes(d));
  bob.handle_datagram(now, B, wire::encode_packet(h, wire::encode_secure_discovery(d)));
  EXPECT_EQ(bob.stats().dropped(DropReason::stale_message), 1u);
  EXPECT_FALSE(bob.resolve("mallory", now));
  // A legacy (unsigned) update for alice's NID moves nothing.
  wire::Header lh;
  lh.source = Ilv{B, alice_id.nid()};
  lh.destination = Ilv{A, bob_id.nid()};
  lh.next_header = static_cast<std::uint8_t>(wire::NextHeader::locator_update);
  bob.handle_datagram(now, A, wire::encode_packet(lh, wire::encode_locator_update({false, {Locator{0x666}}})));
  EXPECT_EQ(bob.stats().dropped(DropReason::unauthenticated), 1u);
  EXPECT_EQ(bob.resolve("alice", now)->locator, A);
}

TEST_F(SecureNodes, SignedUpdateIsAppliedAckedAndItsReplayRefused) {
  bob.bind(7);
  alice.bind(7);
  (void)alice.send_to(now, 7, Ilv{A, bob_id.nid()}, 7, wire::as_bytes("hello"));
  carry(alice, bob);
  now += 20s;
  alice.handle_timeout(now);  // the move to B: a signed update to bob
  auto update = run(alice);
  wire::Buffer captured;
  for (auto& t : update) {
    if (wire::decode_header(t.bytes)->next_header == static_cast<std::uint8_t>(wire::NextHeader::secure_locator_update))
      captured = t.bytes;
    bob.handle_datagram(now, t.link, t.bytes);
  }
  ASSERT_FALSE(captured.empty());
  EXPECT_EQ(bob.stats().updates_received, 1u);
  EXPECT_EQ(bob.resolve("alice", now)->locator, B);
  // The same update again (a retransmission): acknowledged again, applied once, not a replay.
  bob.handle_datagram(now, A, captured);
  EXPECT_EQ(bob.stats().updates_received, 1u);
  EXPECT_EQ(bob.stats().dropped(DropReason::stale_message), 0u);
  carry(bob, alice);  // the signed acks
  EXPECT_EQ(alice.stats().updates_acknowledged, 1u);
  // alice moves on (back to A); the old update replayed must not send bob back to B.
  now += 5s;
  (void)alice.send_to(now, 7, Ilv{B, bob_id.nid()}, 7, wire::as_bytes("still talking"));
  carry(alice, bob);
  now += 15s;
  alice.handle_timeout(now);
  carry(alice, bob);
  EXPECT_EQ(bob.resolve("alice", now)->locator, A);
  EXPECT_EQ(bob.stats().updates_received, 2u);
  bob.handle_datagram(now, A, captured);
  EXPECT_EQ(bob.stats().dropped(DropReason::stale_message), 1u);
  EXPECT_EQ(bob.resolve("alice", now)->locator, A);
}

TEST(SecureNodeConfig, RefusesANidThatIsNotTheKeys) {
  auto id = fixed_identity(1);
  NodeConfig c;
  c.nid = Nid{0xffff00000000000aULL};
  c.security.secure = true;
  EXPECT_THROW(Node(c, 1, {}, id), std::invalid_argument);
}

}  // namespace
}  // namespace ilnp
