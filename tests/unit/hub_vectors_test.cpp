// proto/vectors/hub.vec (proto/README.md section 12): every relay hub frame
// decodes to its fields or is refused; signed registrations re-sign to their
// bytes from the seed, and the hub's checks give the vector's `auth`.
#include <gtest/gtest.h>

#include "ilnp/core/hub/membership.hpp"
#include "vectors.hpp"

namespace ilnp::hub {
namespace {

std::vector<test::Vector> layer(const std::string& name) {
  std::vector<test::Vector> out;
  for (auto& v : test::load_vectors("hub.vec"))
    if (v.at("layer") == name) out.push_back(std::move(v));
  return out;
}

TEST(HubVectors, Registrations) {
  auto vectors = layer("hub_registration");
  ASSERT_GE(vectors.size(), 8u);
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.name());
    auto r = decode_registration(v.bytes);
    if (v.at("expect") != "ok") {
      EXPECT_FALSE(r);
      continue;
    }
    ASSERT_TRUE(r);
    EXPECT_EQ(r->locator.to_string(), v.at("locator"));
    EXPECT_EQ(r->nid.to_string(), v.at("nid"));
    EXPECT_EQ(std::to_string(r->timestamp_us), v.at("timestamp"));
    EXPECT_EQ(r->leave ? "true" : "false", v.at("leave"));
    EXPECT_EQ(r->key ? "true" : "false", v.at("signed"));
    if (!r->key) {
      EXPECT_EQ(encode_registration(*r, nullptr), v.bytes);
      continue;
    }
    EXPECT_EQ(security::to_hex(*r->key), v.at("public_key"));
    EXPECT_EQ(security::to_hex(registration_signed_bytes(v.bytes)), v.at("signed_bytes"));
    // What a secure hub says, in its order of checks.
    MembershipTable table{HubConfig{.max_registration_age = std::chrono::hours(24 * 365 * 100)}};
    auto status = table.handle_registration({}, r->timestamp_us, Endpoint{}, v.bytes).status;
    auto expected_status = v.at("auth") == "ok" ? (r->leave ? ReplyStatus::left : ReplyStatus::accepted)
                           : v.at("auth") == "bad_signature" ? ReplyStatus::bad_signature
                                                             : ReplyStatus::nid_key_mismatch;
    EXPECT_EQ(status, expected_status);
    if (v.at("auth") == "ok") {  // re-signs from the seed to the same bytes
      auto seed = security::from_hex<32>(v.at("seed"));
      ASSERT_TRUE(seed);
      auto id = security::Identity::from_seed(*seed);
      EXPECT_EQ(encode_registration(*r, &id), v.bytes);
    }
  }
}

TEST(HubVectors, RepliesNoticesAndData) {
  for (const auto& v : layer("hub_reply")) {
    SCOPED_TRACE(v.name());
    auto r = decode_reply(v.bytes);
    if (v.at("expect") != "ok") {
      EXPECT_FALSE(r);
      continue;
    }
    ASSERT_TRUE(r);
    EXPECT_EQ(to_string(r->status), v.at("status"));
    EXPECT_EQ(r->locator.to_string(), v.at("locator"));
    EXPECT_EQ(r->nid.to_string(), v.at("nid"));
    EXPECT_EQ(std::to_string(r->timestamp_us), v.at("timestamp"));
    EXPECT_EQ(std::to_string(r->expiry_s), v.at("expiry"));
    EXPECT_EQ(encode_reply(*r), v.bytes);
  }
  for (const auto& v : layer("hub_unknown_sender")) {
    SCOPED_TRACE(v.name());
    auto l = decode_unknown_sender(v.bytes);
    ASSERT_EQ(l.has_value(), v.at("expect") == "ok");
    if (l) {
      EXPECT_EQ(l->to_string(), v.at("locator"));
    }
  }
  auto data = layer("hub_data");
  ASSERT_GE(data.size(), 2u);
  for (const auto& v : data) {
    SCOPED_TRACE(v.name());
    auto link = data_link(v.bytes);
    ASSERT_EQ(link.has_value(), v.at("expect") == "ok");
    if (!link) continue;
    EXPECT_EQ(link->to_string(), v.at("link"));
    EXPECT_EQ(data_destination(v.bytes).locator.to_string(), v.at("dst_loc"));
    EXPECT_EQ(data_destination(v.bytes).nid.to_string(), v.at("dst_nid"));
  }
}

}  // namespace
}  // namespace ilnp::hub
