// The allow-list of a served stream service: its words, and which peers it
// admits by NID and by hostname (through the name cache, at the given time).
#include <gtest/gtest.h>

#include "ilnp/core/proxy/peer_allow_list.hpp"

namespace ilnp::proxy {
namespace {

using namespace std::chrono_literals;
constexpr Nid kBob{0xffff00000000000bULL}, kCarol{0xffff00000000000cULL}, kEve{0xffff00000000000eULL};
constexpr Locator A{0xa};

PeerAllowList parsed(std::vector<std::string> words) {
  auto result = PeerAllowList::parse(words);
  if (auto* why = std::get_if<std::string>(&result)) ADD_FAILURE() << *why;
  return std::get_if<PeerAllowList>(&result) ? std::get<PeerAllowList>(result) : PeerAllowList{};
}

std::string refusal(std::vector<std::string> words) {
  auto result = PeerAllowList::parse(words);
  return std::holds_alternative<std::string>(result) ? std::get<std::string>(result) : "accepted";
}

struct PeerAllowListTest : ::testing::Test {
  discovery::NameCache names{60s};
  Instant t0{};
};

TEST(PeerAllowListParse, TakesHostnamesAndNidsInTheirOrder) {
  auto list = parsed({"bob", "ffff:0:0:c", "0:0:0:2a"});
  EXPECT_FALSE(list.any_peer());
  EXPECT_EQ(list.words(), (std::vector<std::string>{"bob", "ffff:0:0:c", "0:0:0:2a"}));
  EXPECT_EQ(list.to_string(), "bob ffff:0:0:c 0:0:0:2a");
  EXPECT_TRUE(parsed({}).any_peer());
  EXPECT_EQ(parsed({}).to_string(), "");
}

TEST(PeerAllowListParse, RefusesLocatorsBadWordsRepeatsAndTooMany) {
  EXPECT_EQ(refusal({"0:0:0:b:ffff:0:0:b"}), "'0:0:0:b:ffff:0:0:b' is not a hostname or NID (ffff:0:0:b)");
  EXPECT_EQ(refusal({"bob", "0:0:g:1"}), "'0:0:g:1' is not a hostname or NID (ffff:0:0:b)");
  EXPECT_EQ(refusal({""}), "'' is not a hostname or NID (ffff:0:0:b)");
  EXPECT_EQ(refusal({"bob", "bob"}), "'bob' is allowed twice");
  // The same NID written two ways is one entry.
  EXPECT_EQ(refusal({"ffff:0:0:c", "ffff:0000:0:c"}), "'ffff:0000:0:c' is allowed twice");
  std::vector<std::string> many;
  for (std::size_t i = 0; i <= PeerAllowList::kMaxEntries; ++i) many.push_back("host" + std::to_string(i));
  EXPECT_EQ(refusal(many), "at most 64 peers may be allowed");
  many.pop_back();
  EXPECT_EQ(refusal(many), "accepted");
}

TEST_F(PeerAllowListTest, AnEmptyListAdmitsAnyPeer) {
  EXPECT_TRUE(PeerAllowList{}.admits(kEve, names, t0));
}

TEST_F(PeerAllowListTest, ANidEntryAdmitsThatNidOnly) {
  auto list = parsed({"ffff:0:0:c"});
  EXPECT_TRUE(list.admits(kCarol, names, t0));
  EXPECT_FALSE(list.admits(kEve, names, t0));
}

TEST_F(PeerAllowListTest, AHostnameAdmitsTheNidTheNameCacheBindsItToNow) {
  auto list = parsed({"bob"});
  EXPECT_FALSE(list.admits(kBob, names, t0));  // not known yet: nobody
  names.learn("bob", Ilv{A, kBob}, t0);
  EXPECT_TRUE(list.admits(kBob, names, t0 + 1s));
  EXPECT_FALSE(list.admits(kEve, names, t0 + 1s));
  // Another host's name does not help eve.
  names.learn("eve", Ilv{Locator{0xe}, kEve}, t0);
  EXPECT_FALSE(list.admits(kEve, names, t0 + 1s));
  // Bob's binding expires: his NID alone no longer admits him.
  EXPECT_FALSE(list.admits(kBob, names, t0 + 61s));
}

TEST_F(PeerAllowListTest, AHostnameFollowsItsFreshestBinding) {
  auto list = parsed({"bob"});
  names.learn("bob", Ilv{A, kBob}, t0);
  names.learn("bob", Ilv{Locator{0xb}, kCarol}, t0 + 2s);  // bob came back with a new NID
  EXPECT_TRUE(list.admits(kCarol, names, t0 + 3s));
  EXPECT_FALSE(list.admits(kBob, names, t0 + 3s));
}

TEST_F(PeerAllowListTest, AnyEntryMayAdmit) {
  auto list = parsed({"bob", "ffff:0:0:c"});
  names.learn("bob", Ilv{A, kBob}, t0);
  EXPECT_TRUE(list.admits(kBob, names, t0));
  EXPECT_TRUE(list.admits(kCarol, names, t0));
  EXPECT_FALSE(list.admits(kEve, names, t0));
}

}  // namespace
}  // namespace ilnp::proxy
