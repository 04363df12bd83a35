// `[tun]` (proto/README.md section 13): the prefix is a /64 with a zero lower
// half, the node gets it only when enabled, and bad values name their key.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config.hpp"

namespace ilnp::apps {
namespace {

std::string write_temp(const std::string& text) {
  static int n = 0;
  auto path = (std::filesystem::temp_directory_path() /
               ("ilnp_tun_" + std::to_string(::getpid()) + "_" + std::to_string(n++) + ".ini"))
                  .string();
  std::ofstream(path) << text;
  return path;
}

const std::vector<std::pair<std::string, std::string>> kLo = {{"link.mcast_interface", "lo"}};
const std::string kBase = "[network]\nlocators = 0:0:0:a\n[discovery]\nhostname = x\n";

TEST(TunConfig, PrefixIsASlash64WithAZeroLowerHalf) {
  EXPECT_EQ(parse_identifier_prefix("fd69:6c6e:7000::/64")->value, 0xfd69'6c6e'7000'0000ULL);
  EXPECT_EQ(parse_identifier_prefix("fd00:1:2:3::")->value, 0xfd00'0001'0002'0003ULL);
  EXPECT_FALSE(parse_identifier_prefix("fd00::/48"));
  EXPECT_FALSE(parse_identifier_prefix("fd00::1/64"));
  EXPECT_FALSE(parse_identifier_prefix("not-an-address"));
  EXPECT_FALSE(parse_identifier_prefix(""));
}

TEST(TunConfig, NodeGetsThePrefixOnlyWhenEnabled) {
  auto off = load_config(write_temp(kBase), kLo);
  EXPECT_FALSE(off.tun.enable);
  EXPECT_FALSE(off.node.ip_prefix);
  auto on = load_config(write_temp(kBase + "[tun]\nenable = true\nname = ov0\nprefix = fd12:3456:789a:1::/64\n"), kLo);
  EXPECT_TRUE(on.tun.enable);
  EXPECT_EQ(on.tun.name, "ov0");
  ASSERT_TRUE(on.node.ip_prefix);
  EXPECT_EQ(on.node.ip_prefix->value, 0xfd12'3456'789a'0001ULL);
  EXPECT_EQ(on.node.max_ip_packet(), 1440u);
  auto sealed = load_config(write_temp(kBase + "[tun]\nenable = true\n[security]\nencrypt = true\n"), kLo);
  EXPECT_EQ(sealed.node.max_ip_packet(), 1411u);
}

TEST(TunConfig, BadValuesNameTheirKey) {
  for (const auto& [ini, key] : std::vector<std::pair<std::string, std::string>>{
           {"[tun]\nprefix = fd00::1/64\n", "tun.prefix"},
           {"[tun]\nname = a-name-far-too-long\n", "tun.name"},
           {"[tun]\nname = a/b\n", "tun.name"}}) {
    try {
      (void)load_config(write_temp(kBase + ini), kLo);
      ADD_FAILURE() << ini << " was accepted";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace ilnp::apps
