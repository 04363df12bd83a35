// `ilnp ctl`'s verb table: each verb's own help, group help, lookup by words
// and the argument counts the client checks before it sends anything.
#include <gtest/gtest.h>

#include "ctl_verbs.hpp"

namespace ilnp::apps {
namespace {

TEST(CtlVerbs, FindsTheLongestVerbByWholeWords) {
  ASSERT_NE(find_ctl_verb({"proxy", "add", "2000", "bob", "3000"}), nullptr);
  EXPECT_EQ(find_ctl_verb({"proxy", "add", "2000", "bob", "3000"})->words, "proxy add");
  EXPECT_EQ(find_ctl_verb({"status"})->words, "status");
  EXPECT_EQ(find_ctl_verb({"stream", "unserve", "ssh"})->arg_count, 1u);
  // Only stream serve takes more words than its arguments (allow PEER...).
  for (const auto& verb : ctl_verbs()) EXPECT_EQ(verb.more_args, verb.words == "stream serve") << verb.words;
  EXPECT_EQ(find_ctl_verb({"proxy"}), nullptr);            // a group, not a verb
  EXPECT_EQ(find_ctl_verb({"proxy", "frob"}), nullptr);
  EXPECT_EQ(find_ctl_verb({"stat"}), nullptr);             // no prefixes of words
  EXPECT_EQ(find_ctl_verb({}), nullptr);
}

TEST(CtlVerbs, EveryVerbHasItsOwnHelp) {
  for (const auto& verb : ctl_verbs()) {
    SCOPED_TRACE(std::string(verb.words));
    auto help = ctl_verb_help(verb);
    EXPECT_EQ(help.rfind(std::string(kCtlUsagePrefix) + std::string(verb.words), 0), 0u) << help;
    EXPECT_NE(help.find(verb.summary), std::string::npos);
    EXPECT_EQ(help.find("--command"), std::string::npos);
    // A verb's help names no other verb's usage.
    for (const auto& other : ctl_verbs()) {
      if (other.words != verb.words && !verb.words.starts_with(other.words)) {
        EXPECT_EQ(help.find(ctl_usage_line(other)), std::string::npos) << other.words;
      }
    }
  }
  EXPECT_EQ(ctl_usage_line(*find_ctl_verb({"proxy", "add"})), "proxy add LOCAL_PORT REMOTE REMOTE_PORT");
  EXPECT_EQ(ctl_usage_line(*find_ctl_verb({"status"})), "status [--json]");
}

TEST(CtlVerbs, GroupsListTheirVerbsOnly) {
  auto proxy = ctl_verb_group("proxy");
  ASSERT_EQ(proxy.size(), 3u);
  auto text = ctl_verb_list(proxy);
  for (const char* verb : {"proxy add", "proxy list", "proxy remove"}) EXPECT_NE(text.find(verb), std::string::npos);
  EXPECT_EQ(text.find("stream"), std::string::npos);
  EXPECT_EQ(ctl_verb_group("stream").size(), 5u);
  EXPECT_TRUE(ctl_verb_group("frob").empty());
}

}  // namespace
}  // namespace ilnp::apps
