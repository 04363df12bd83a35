// Names for programs: what `resolve NAME` answers (control_commands.cpp) and
// how the NSS module reads it back (src/nss/names_reply.cpp). The module
// only trusts "address" lines, so both halves are tested against each other.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "name_answer.hpp"
#include "ilnp/core/node/node.hpp"
#include "ilnp/core/wire/messages.hpp"
#include "ilnp/core/wire/header.hpp"
#include "names_reply.hpp"

namespace ilnp::apps {
namespace {

using namespace std::chrono_literals;
constexpr Locator A{0xa};
constexpr Nid kMe{0xffff00000000000dULL}, kBob{0xffff00000000000bULL};

Node node_that_heard_bob(bool with_prefix, Instant t0) {
  NodeConfig c;
  c.nid = kMe;
  c.hostname = "me";
  c.locator_cycle = {{A}};
  if (with_prefix) c.ip_prefix = tun::IdentifierPrefix{0xfd69'6c6e'7000'0000ULL};
  Node node(c, 1);
  node.start(t0);
  wire::Header h;
  h.source = {A, kBob};
  h.destination = {kAllNodes, Nid{0}};
  h.next_header = static_cast<std::uint8_t>(wire::NextHeader::discovery);
  h.hop_limit = 3;
  node.handle_datagram(t0, A, wire::encode_packet(h, wire::encode_discovery({kBob, A, false, "bob"})));
  return node;
}

std::string address_text(const in6_addr& a) {
  char text[INET6_ADDRSTRLEN];
  return ::inet_ntop(AF_INET6, &a, text, sizeof text);
}

TEST(ResolveAnswer, NamesWhatDiscoveryLearnedWithAgeAndTheIdentifierAddress) {
  Instant t0{};
  auto node = node_that_heard_bob(true, t0);
  auto answer = resolve_answer(node, "bob.ILNP.", t0 + 1500ms);  // hostnames match as discovery carries them
  EXPECT_EQ(answer,
            "name bob\nnid ffff:0:0:b\naddress fd69:6c6e:7000:0:ffff:0:0:b\n"
            "locator 0:0:0:a age 1.5 s\nsource discovery\n");
  in6_addr found[nss::kMaxAddresses];
  ASSERT_EQ(nss::parse_addresses(answer.data(), answer.size(), found, nss::kMaxAddresses), 1);
  EXPECT_EQ(address_text(found[0]), "fd69:6c6e:7000:0:ffff::b");  // the same address, inet_ntop spelling
}

TEST(ResolveAnswer, WithoutTheTunThereIsNoAddressAndUnknownNamesAreErrors) {
  Instant t0{};
  auto node = node_that_heard_bob(false, t0);
  auto answer = resolve_answer(node, "bob", t0);
  EXPECT_EQ(answer.find("address"), std::string::npos);
  EXPECT_NE(answer.find("nid ffff:0:0:b\n"), std::string::npos);
  auto unknown = resolve_answer(node, "carol.ilnp", t0);
  EXPECT_TRUE(unknown.starts_with("error: "));
  in6_addr found[1];
  EXPECT_EQ(nss::parse_addresses(unknown.data(), unknown.size(), found, 1), -1);
}

TEST(NamesReply, OnlyOverlayNamesWithPlainCharactersAreAsked) {
  EXPECT_TRUE(nss::is_overlay_name("bob.ilnp"));
  EXPECT_TRUE(nss::is_overlay_name("Bob.ILNP."));
  EXPECT_TRUE(nss::is_overlay_name("pi-4_b.lab.ilnp"));
  EXPECT_FALSE(nss::is_overlay_name(".ilnp"));
  EXPECT_FALSE(nss::is_overlay_name("ilnp"));
  EXPECT_FALSE(nss::is_overlay_name("bob.example"));
  EXPECT_FALSE(nss::is_overlay_name("bob.ilnp.example"));
  EXPECT_FALSE(nss::is_overlay_name("bob\nstatus.ilnp"));  // would be a second request line
  EXPECT_FALSE(nss::is_overlay_name("bo b.ilnp"));
  EXPECT_FALSE(nss::is_overlay_name(std::string(nss::kMaxNameLength, 'a').append(".ilnp").c_str()));
}

TEST(NamesReply, MalformedOrOversizedAddressLinesRefuseTheWholeAnswer) {
  in6_addr found[2];
  auto parse = [&](const std::string& reply) { return nss::parse_addresses(reply.data(), reply.size(), found, 2); };
  EXPECT_EQ(parse("name bob\nnid 1:2:3:4\n"), 0);
  EXPECT_EQ(parse("address fd00::1\naddress fd00::2\naddress fd00::3\n"), 2);  // the rest are ignored, not overrun
  EXPECT_EQ(address_text(found[1]), "fd00::2");
  EXPECT_EQ(parse("address fd00::1"), 1);  // the last line needs no newline
  EXPECT_EQ(parse("address 10.0.0.1\n"), -1);
  EXPECT_EQ(parse("address " + std::string(200, 'f') + "\n"), -1);
  EXPECT_EQ(parse("error: no\naddress fd00::1\n"), -1);
  EXPECT_EQ(parse(""), 0);
}

}  // namespace
}  // namespace ilnp::apps
