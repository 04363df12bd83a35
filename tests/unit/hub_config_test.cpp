// Hub-backed locators in the configuration: LOC@HOST:PORT inside
// network.locators and in link.hubs, no interface needed when every locator
// is hub-backed, and the refusals.
#include <gtest/gtest.h>

#include "config.hpp"

namespace ilnp::apps {
namespace {

Config load(std::vector<std::pair<std::string, std::string>> cli) { return load_config(std::nullopt, cli); }

TEST(HubConfig, LocatorsNameTheirHubInlineEvenWithDashesInTheHostname) {
  auto c = load({{"network.locators", "0:0:0:a@my-hub.example.org:10010-0:0:0:b, 0:0:0:e@[::1]:7000"},
                 {"network.nid", "ffff:0:0:a"}, {"link.mcast_interface", "lo"}});
  ASSERT_EQ(c.node.locator_cycle.size(), 2u);
  EXPECT_EQ(c.node.locator_cycle[0], (std::vector<Locator>{Locator{0xa}}));
  EXPECT_EQ(c.node.locator_cycle[1], (std::vector<Locator>{Locator{0xb}, Locator{0xe}}));
  EXPECT_EQ(c.hub_link.hubs.at(Locator{0xa}), "my-hub.example.org:10010");
  EXPECT_EQ(c.hub_link.hubs.at(Locator{0xe}), "[::1]:7000");
  EXPECT_FALSE(c.hub_link.hubs.contains(Locator{0xb}));
}

TEST(HubConfig, AllHubBackedNeedsNoInterfaceAndLinkHubsWorksToo) {
  auto c = load({{"network.locators", "0:0:0:a-0:0:0:b"},
                 {"link.hubs", "0:0:0:a@127.0.0.1:10010, 0:0:0:b@127.0.0.1:10011"},
                 {"link.hub_keepalive", "7"}});
  EXPECT_EQ(c.link.interface, "lo");
  EXPECT_EQ(c.hub_link.hubs.size(), 2u);
  EXPECT_EQ(c.hub_link.member.keepalive, std::chrono::seconds(7));
  EXPECT_EQ(c.hub_link.buffer_size, c.link.buffer_size);
}

TEST(HubConfig, BadBindingsAreRefused) {
  auto refused = [](std::vector<std::pair<std::string, std::string>> cli) {
    EXPECT_THROW((void)load(cli), ConfigError);
  };
  refused({{"network.locators", "0:0:0:a@hub"}});                     // no port
  refused({{"network.locators", "0:0:0:a@hub:99999"}});               // port out of range
  refused({{"network.locators", "0:0:0:a@h1:1-0:0:0:a@h2:1"}});       // two hubs for one locator
  refused({{"network.locators", "0:0:0:a"}, {"link.hubs", "junk"}});  // not LOC@HOST:PORT
  refused({{"network.locators", "0:0:0:a-0:0:0:b@h:1"}});             // 0:0:0:a is multicast: needs an interface
}

}  // namespace
}  // namespace ilnp::apps
