// Every decoder against proto/vectors: the vectors were generated from the
// written spec independently of this codec, so agreement is a cross-check.
#include <gtest/gtest.h>

#include <set>

#include "ilnp/core/wire/group.hpp"
#include "ilnp/core/wire/header.hpp"
#include "ilnp/core/wire/messages.hpp"
#include "vectors.hpp"

namespace ilnp {
namespace {

using test::load_vectors;
using test::Vector;

// Checks `expect:` against a Result and returns true when the value must be inspected.
template <class T>
bool expect_outcome(const Vector& v, const Result<T>& r) {
  const auto& expect = v.at("expect");
  if (expect == "ok") {
    EXPECT_TRUE(r.ok()) << v.name() << " rejected: " << (r.ok() ? "" : to_string(r.error()));
    return r.ok();
  }
  EXPECT_FALSE(r.ok()) << v.name() << " accepted, expected " << expect;
  if (!r.ok()) {
    EXPECT_EQ("drop:" + std::string(to_string(r.error())), expect) << v.name();
  }
  return false;
}

std::string hex_of(wire::Bytes b) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (auto x : b) {
    auto v = std::to_integer<unsigned>(x);
    s += digits[v >> 4];
    s += digits[v & 15];
  }
  return s;
}

TEST(WireVectors, Headers) {
  auto vectors = load_vectors("header.vec");
  ASSERT_GE(vectors.size(), 10u);
  for (const auto& v : vectors) {
    auto r = wire::decode_header(v.bytes);
    if (!expect_outcome(v, r)) continue;
    EXPECT_EQ(std::to_string(r->version_class_flow), v.at("version_class_flow")) << v.name();
    EXPECT_EQ(std::to_string(r->payload_length), v.at("payload_length")) << v.name();
    EXPECT_EQ(std::to_string(r->next_header), v.at("next_header")) << v.name();
    EXPECT_EQ(std::to_string(r->hop_limit), v.at("hop_limit")) << v.name();
    EXPECT_EQ(r->source.locator.to_string(), v.at("src_loc")) << v.name();
    EXPECT_EQ(r->source.nid.to_string(), v.at("src_nid")) << v.name();
    EXPECT_EQ(r->destination.locator.to_string(), v.at("dst_loc")) << v.name();
    EXPECT_EQ(r->destination.nid.to_string(), v.at("dst_nid")) << v.name();
    // Re-encoding the decoded header gives back the same bytes.
    auto again = wire::encode_packet(*r, wire::Bytes(v.bytes).subspan(wire::kHeaderSize));
    EXPECT_EQ(again, v.bytes) << v.name();
  }
}

TEST(WireVectors, Discovery) {
  for (const auto& v : load_vectors("discovery.vec")) {
    auto r = wire::decode_discovery(v.bytes);
    if (!expect_outcome(v, r)) continue;
    EXPECT_EQ(r->nid.to_string(), v.at("nid")) << v.name();
    EXPECT_EQ(r->locator.to_string(), v.at("loc")) << v.name();
    EXPECT_EQ(r->solicitation ? "true" : "false", v.at("solicitation")) << v.name();
    EXPECT_EQ(r->hostname, v.at("hostname")) << v.name();
    EXPECT_EQ(wire::encode_discovery(*r), v.bytes) << v.name();
  }
}

TEST(WireVectors, LocatorUpdates) {
  for (const auto& v : load_vectors("locator_update.vec")) {
    auto r = wire::decode_locator_update(v.bytes);
    if (!expect_outcome(v, r)) continue;
    EXPECT_EQ(r->is_ack ? "ack" : "update", v.at("kind")) << v.name();
    if (!r->is_ack) {
      std::string joined;
      for (auto l : r->locators) joined += (joined.empty() ? "" : ",") + l.to_string();
      EXPECT_EQ(joined, v.at("locators")) << v.name();
    }
    EXPECT_EQ(wire::encode_locator_update(*r), v.bytes) << v.name();
  }
}

TEST(WireVectors, Transport) {
  for (const auto& v : load_vectors("transport.vec")) {
    auto r = wire::decode_transport(v.bytes);
    if (!expect_outcome(v, r)) continue;
    EXPECT_EQ(std::to_string(r->source_port), v.at("src_port")) << v.name();
    EXPECT_EQ(std::to_string(r->destination_port), v.at("dst_port")) << v.name();
    EXPECT_EQ(hex_of(r->data), v.at("data")) << v.name();
  }
}

TEST(WireVectors, Groups) {
  for (const auto& v : load_vectors("group.vec")) {
    auto uid = static_cast<std::uint32_t>(std::stoul(v.at("uid")));
    auto locator = *Locator::parse(v.at("locator"));
    auto group = wire::group_for(locator, uid);
    ASSERT_EQ(v.bytes.size(), 16u) << v.name();
    for (std::size_t i = 0; i < 16; ++i) EXPECT_EQ(group[i], std::to_integer<std::uint8_t>(v.bytes[i])) << v.name();
    EXPECT_EQ(wire::locator_of_group(group, uid), locator) << v.name();
  }
}

TEST(WireVectors, EveryDropReasonOfTheCodecHasAVector) {
  std::set<std::string> seen;
  for (auto file : {"header.vec", "discovery.vec", "locator_update.vec", "transport.vec"})
    for (const auto& v : load_vectors(file)) seen.insert(v.at("expect"));
  for (auto reason : {DropReason::short_header, DropReason::payload_length_mismatch, DropReason::datagram_too_large,
                      DropReason::truncated_discovery, DropReason::bad_discovery_flag, DropReason::empty_hostname,
                      DropReason::hostname_too_long, DropReason::hostname_not_utf8,
                      DropReason::truncated_locator_update, DropReason::bad_locator_update_flag,
                      DropReason::bad_locator_update_length, DropReason::too_many_locators,
                      DropReason::truncated_transport})
    EXPECT_TRUE(seen.contains("drop:" + std::string(to_string(reason)))) << to_string(reason);
}

}  // namespace
}  // namespace ilnp
