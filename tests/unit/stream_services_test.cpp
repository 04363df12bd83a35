// The stream services a node serves and the admission of a peer's OPEN
// (core/stream/services): the reason a refused peer hears, and the counts.
#include <gtest/gtest.h>

#include "ilnp/core/stream/services.hpp"

namespace ilnp::stream {
namespace {

using namespace std::chrono_literals;
constexpr Instant t0{};
constexpr Nid kAlice{0xa}, kMallory{0xe};

proxy::PeerAllowList allow(std::vector<std::string> words) {
  auto parsed = proxy::PeerAllowList::parse(words);
  EXPECT_TRUE(std::holds_alternative<proxy::PeerAllowList>(parsed));
  return std::get<proxy::PeerAllowList>(parsed);
}

std::string refusal(const std::variant<const Service*, Refusal>& admitted) {
  auto* r = std::get_if<Refusal>(&admitted);
  return r ? r->why : "admitted";
}

TEST(StreamServices, AddChecksTheNameDuplicatesAndTheLimit) {
  Services services;
  EXPECT_FALSE(services.add("ssh", "127.0.0.1", 22, {}));
  EXPECT_EQ(services.add("ssh", "127.0.0.1", 2222, {}),
            "service ssh is already served by 127.0.0.1:22 (unserve it first)");
  EXPECT_TRUE(services.add("no spaces", "127.0.0.1", 22, {}));
  for (std::size_t i = 1; i < Services::kMax; ++i) EXPECT_FALSE(services.add("s" + std::to_string(i), "h", 1, {}));
  EXPECT_EQ(services.add("one-more", "h", 1, {}), "too many services (64)");
  EXPECT_TRUE(services.remove("ssh"));
  EXPECT_FALSE(services.remove("ssh"));
}

TEST(StreamServices, AdmissionNamesTheFirstReasonAndCountsPerService) {
  Services services;
  discovery::NameCache names(60s);
  names.learn("alice", Ilv{Locator{1}, kAlice}, t0);
  ASSERT_FALSE(services.add("ssh", "127.0.0.1", 22, allow({"alice"})));
  EXPECT_EQ(refusal(services.admit("web", kAlice, names, t0, "bob", true)), "no service 'web' on bob");
  EXPECT_EQ(refusal(services.admit("ssh", kAlice, names, t0, "bob", true)), "too many connections");
  auto denied = services.admit("ssh", kMallory, names, t0, "bob", false);
  ASSERT_TRUE(std::holds_alternative<Refusal>(denied));
  EXPECT_TRUE(std::get<Refusal>(denied).not_allowed);
  EXPECT_EQ(std::get<Refusal>(denied).why, "service 'ssh' on bob does not allow " + kMallory.to_string());
  auto admitted = services.admit("ssh", kAlice, names, t0, "bob", false);
  ASSERT_TRUE(std::holds_alternative<const Service*>(admitted));
  EXPECT_EQ(std::get<const Service*>(admitted)->port, 22);
  services.record_failure("ssh", "cannot connect to 127.0.0.1:22: refused");
  const auto& ssh = services.all().at("ssh");
  EXPECT_EQ(ssh.accepted, 1u);
  EXPECT_EQ(ssh.refused, 1u);
  EXPECT_EQ(ssh.failed, 1u);
  EXPECT_EQ(ssh.last_error, "cannot connect to 127.0.0.1:22: refused");
}

}  // namespace
}  // namespace ilnp::stream
