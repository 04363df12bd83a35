// The prototype's INI files load unchanged; bad values are refused with the
// file, line, key and problem named.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config.hpp"
#include "ini_file.hpp"

namespace ilnp::apps {
namespace {

std::string write_temp(const std::string& text) {
  static int n = 0;
  auto path = std::filesystem::temp_directory_path() / ("ilnp_config_test_" + std::to_string(::getpid()) + "_" +
                                                        std::to_string(n++) + ".ini");
  std::ofstream(path) << text;
  return path.string();
}

// The fixtures name eth0/enp3s0; this machine's loopback always exists.
const std::vector<std::pair<std::string, std::string>> kLo = {{"link.mcast_interface", "lo"}};

TEST(IniFile, ReadsConfigparserSyntax) {
  auto entries = parse_ini("; comment\n[Link]\nMcast_Port = 10000\n# c\n[network]\nlocators: 0:0:0:a,\n  0:0:0:b\n", "t");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].key, "Link.mcast_port");
  EXPECT_EQ(entries[1].key, "network.locators");
  EXPECT_EQ(entries[1].value, "0:0:0:a,\n0:0:0:b");
  EXPECT_THROW((void)parse_ini("key = 1\n", "t"), IniError);
  EXPECT_THROW((void)parse_ini("[a\n", "t"), IniError);
}

TEST(Config, EveryPrototypeFixtureLoads) {
  int loaded = 0;
  for (const auto& dir : std::filesystem::recursive_directory_iterator(ILNP_FIXTURES_DIR "/prototype-configs")) {
    if (dir.path().extension() != ".ini") continue;
    SCOPED_TRACE(dir.path().string());
    auto c = load_config(dir.path().string(), kLo);
    EXPECT_FALSE(c.node.hostname.empty());
    EXPECT_FALSE(c.node.locator_cycle.empty());
    ++loaded;
  }
  EXPECT_GE(loaded, 16);
}

TEST(Config, MobileFixtureHasItsCycleAndUnknownKeysWarn) {
  auto c = load_config(ILNP_FIXTURES_DIR "/prototype-configs/experiment_1/config_alice.ini", kLo);
  ASSERT_EQ(c.node.locator_cycle.size(), 3u);
  EXPECT_EQ(c.node.locator_cycle[1].front(), Locator{0xb});
  EXPECT_EQ(c.node.nid, Nid{0xffff00000000000aULL});
  EXPECT_EQ(c.node.hostname, "alice");
  EXPECT_EQ(c.application.port, Port{1000});
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_NE(c.warnings[0].find("move_sleep"), std::string::npos);
}

TEST(Config, RouterFixtureJoinsThreeLocatorsAtOnce) {
  auto c = load_config(ILNP_FIXTURES_DIR "/prototype-configs/experiment_1/config_router.ini", kLo);
  ASSERT_EQ(c.node.locator_cycle.size(), 1u);
  EXPECT_EQ(c.node.locator_cycle[0].size(), 3u);
}

TEST(Config, CommandLineWinsOverTheFile) {
  auto file = write_temp("[network]\nlocators = 0:0:0:a\nnid = 1:2:3:4\ndefault_hop_limit = 5\n[discovery]\nhostname = x\n");
  auto c = load_config(file, {{"link.mcast_interface", "lo"}, {"network.nid", "ffff:0:0:a"}});
  EXPECT_EQ(c.node.nid, Nid{0xffff00000000000aULL});
  EXPECT_EQ(c.node.hop_limit, 5);  // an integer key is read as an integer (a prototype bug)
}

TEST(Config, PrototypeSpellingOfTheSessionTtlIsAccepted) {
  auto file = write_temp("[network]\nlocators = 0:0:0:a\nactive_uncast_session_ttl = 12\n[discovery]\nhostname = x\n");
  auto c = load_config(file, kLo);
  EXPECT_EQ(c.node.active_session_ttl, std::chrono::seconds(12));
  EXPECT_TRUE(c.warnings.empty());
}

void expect_refused(const std::string& ini, const std::vector<std::string>& words,
                    std::vector<std::pair<std::string, std::string>> cli = kLo) {
  auto file = write_temp(ini);
  try {
    (void)load_config(file, cli);
    ADD_FAILURE() << "accepted: " << ini;
  } catch (const ConfigError& e) {
    for (const auto& w : words) EXPECT_NE(std::string(e.what()).find(w), std::string::npos) << e.what() << " / " << w;
  }
}

TEST(Config, BadValuesAreRefusedNamingFileLineKeyAndProblem) {
  expect_refused("[network]\nlocators = 0:0:0:g\n", {".ini:2", "network.locators", "'0:0:0:g' is not a locator"});
  expect_refused("[network]\nlocators = 0:0:0:a\n[link]\nmcast_port = 70000\n",
                 {".ini:4", "link.mcast_port", "out of range"});
  expect_refused("[network]\nlocators = 0:0:0:a\n", {"link.mcast_interface", "no network interface named 'nope0'"},
                 {{"link.mcast_interface", "nope0"}});
  expect_refused("[network]\nlocators = 0:0:0:a\nnid = xyz\n", {"network.nid", "'xyz' is not a NID"});
  expect_refused("[network]\nlocators = 0:0:0:a\ndefault_hop_limit = three\n", {"default_hop_limit", "whole number"});
  expect_refused("[network]\nlocators = 0:0:0:a\n[application]\nremote_hostname = bob\n", {"remote_port", "required"});
  expect_refused("[network]\nlocators = 0:0:0:a\nmove_time = 5\nhandoff_time = 5\n", {"handoff_time", "shorter"});
  expect_refused("[link]\nbuffer_size = 1440\n", {"network.locators", "no locators"});
  expect_refused("[network]\nlocators = 0:0:0:a\n[discovery]\nwait_time = soon\n", {"discovery.wait_time"});
}

}  // namespace
}  // namespace ilnp::apps
