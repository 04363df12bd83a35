// proto/vectors/hub.vec (proto/README.md section 12): every relay hub frame
// decodes to its fields or is refused; signed registrations re-sign to their
// bytes from the seed; the cookie is the keyed hash of its inputs; a
// registration without it is challenged, one with it gets the vector's `auth`.
#include <gtest/gtest.h>

#include "ilnp/core/hub/cookie.hpp"
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

// The address and secret of the `hub_cookie` vector, which every cookie in hub.vec is for.
struct CookieInputs {
  Endpoint from;
  CookieSecret secret{};
};
CookieInputs cookie_inputs() {
  auto cookies = layer("hub_cookie");
  EXPECT_EQ(cookies.size(), 1u);
  const auto& v = cookies.at(0);
  CookieInputs in;
  const auto& address = v.at("address");
  auto secret = security::from_hex<32>(v.at("secret"));
  EXPECT_TRUE(address.size() == 32 && secret);
  for (std::size_t i = 0; i < 16; ++i)
    in.from.address[i] = static_cast<std::uint8_t>(std::stoul(address.substr(2 * i, 2), nullptr, 16));
  in.from.port = static_cast<std::uint16_t>(std::stoi(v.at("port")));
  in.secret = *secret;
  EXPECT_EQ(v.at("bucket"), "0");  // the vectors' hub runs at Instant{}
  auto made = CookieJar(in.secret, std::chrono::minutes(2)).make(Instant{}, in.from);
  EXPECT_EQ(wire::Buffer(made.begin(), made.end()), v.bytes);
  return in;
}

TEST(HubVectors, CookieAndChallenge) {
  auto in = cookie_inputs();
  auto challenges = layer("hub_cookie_challenge");
  ASSERT_GE(challenges.size(), 2u);
  for (const auto& v : challenges) {
    SCOPED_TRACE(v.name());
    auto c = decode_cookie_challenge(v.bytes);
    ASSERT_EQ(c.has_value(), v.at("expect") == "ok");
    if (!c) continue;
    EXPECT_EQ(std::to_string(c->timestamp_us), v.at("timestamp"));
    EXPECT_EQ(security::to_hex(c->cookie), v.at("cookie"));
    EXPECT_EQ(encode_cookie_challenge(*c), v.bytes);
    EXPECT_EQ(c->cookie, CookieJar(in.secret, std::chrono::minutes(2)).make(Instant{}, in.from));
  }
}

TEST(HubVectors, Registrations) {
  auto in = cookie_inputs();
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
    EXPECT_EQ(r->cookie ? security::to_hex(*r->cookie) : "none", v.at("cookie"));
    HubConfig config{.secure = r->key.has_value(),
                     .max_registration_age = std::chrono::hours(24 * 365 * 100),
                     .cookie_secret = in.secret};
    MembershipTable table{config};
    auto outcome = table.handle_registration({}, r->timestamp_us, in.from, v.bytes);
    if (!r->cookie) {  // challenged, nothing else checked
      EXPECT_TRUE(outcome.unverified);
      auto challenge = decode_cookie_challenge(outcome.reply);
      ASSERT_TRUE(challenge);
      EXPECT_EQ(challenge->timestamp_us, r->timestamp_us);
      EXPECT_LT(outcome.reply.size(), v.bytes.size());
    } else {
      EXPECT_FALSE(outcome.unverified);
    }
    if (!r->key) {
      EXPECT_EQ(encode_registration(*r, nullptr), v.bytes);
      if (r->cookie) {
        EXPECT_EQ(outcome.status, r->leave ? ReplyStatus::left : ReplyStatus::accepted);
      }
      continue;
    }
    EXPECT_EQ(security::to_hex(*r->key), v.at("public_key"));
    EXPECT_EQ(security::to_hex(registration_signed_bytes(v.bytes)), v.at("signed_bytes"));
    // What a secure hub says once the cookie is valid, in its order of checks.
    auto expected_status = v.at("auth") == "ok" ? (r->leave ? ReplyStatus::left : ReplyStatus::accepted)
                           : v.at("auth") == "bad_signature" ? ReplyStatus::bad_signature
                                                             : ReplyStatus::nid_key_mismatch;
    if (r->cookie) {
      EXPECT_EQ(outcome.status, expected_status);
    }
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
