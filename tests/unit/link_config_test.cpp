// Interface-bound locators (LOC%IFNAME in network.locators) and
// network.moves: what is bound where, and the refusals with their reasons.
#include <gtest/gtest.h>

#include "config.hpp"

namespace ilnp::apps {
namespace {

Config load(std::vector<std::pair<std::string, std::string>> cli) {
  cli.emplace_back("network.nid", "ffff:0:0:a");
  return load_config(std::nullopt, cli);
}

std::string refusal(std::vector<std::pair<std::string, std::string>> cli) {
  try {
    (void)load(std::move(cli));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(LinkConfig, ALocatorNamesItsInterfaceAndTheOthersUseTheDefault) {
  auto c = load({{"network.locators", "0:0:0:a%lo, 0:0:0:b"}, {"link.mcast_interface", "lo"}});
  ASSERT_EQ(c.node.locator_cycle.size(), 1u);
  EXPECT_EQ(c.node.locator_cycle[0], (std::vector<Locator>{Locator{0xa}, Locator{0xb}}));
  EXPECT_EQ(c.link.bound, (std::map<Locator, std::string>{{Locator{0xa}, "lo"}}));
  EXPECT_EQ(c.node.moves, Moves::cycle);
}

TEST(LinkConfig, EveryLocatorBoundNeedsNoDefaultInterfaceAndCyclesStillParse) {
  auto c = load({{"network.locators", "0:0:0:a%lo-0:0:0:b % lo"}});
  EXPECT_EQ(c.link.interface, "lo");
  ASSERT_EQ(c.node.locator_cycle.size(), 2u);
  EXPECT_EQ(c.link.bound.size(), 2u);
}

TEST(LinkConfig, AnUnknownInterfaceIsNamedEvenWithDashesInItsName) {
  EXPECT_NE(refusal({{"network.locators", "0:0:0:a%no-such-if0-0:0:0:b%lo"}})
                .find("0:0:0:a%no-such-if0: no network interface named 'no-such-if0'"),
            std::string::npos);
  EXPECT_NE(refusal({{"network.locators", "0:0:0:a%"}}).find("LOCATOR%INTERFACE"), std::string::npos);
  EXPECT_NE(refusal({{"network.locators", "0:0:0:a%lo-0:0:0:a%other"}}).find("bound to two interfaces"),
            std::string::npos);
}

TEST(LinkConfig, AHubBackedLocatorBoundToAnInterfaceReachesItsHubFromThere) {
  auto c = load({{"network.locators", "0:0:0:a%lo, 0:0:0:e%lo@127.0.0.1:10010"}});
  EXPECT_EQ(c.link.bound, (std::map<Locator, std::string>{{Locator{0xa}, "lo"}}));
  EXPECT_EQ(c.hub_link.interfaces, (std::map<Locator, std::string>{{Locator{0xe}, "lo"}}));
  EXPECT_EQ(c.hub_link.hubs.at(Locator{0xe}), "127.0.0.1:10010");
  EXPECT_NE(refusal({{"network.locators", "0:0:0:e%no-such-if0@127.0.0.1:1"}}).find("no network interface named"),
            std::string::npos);
}

TEST(LinkConfig, MovesByLinksTakeOneSet) {
  auto c = load({{"network.locators", "0:0:0:a%lo, 0:0:0:b%lo"}, {"network.moves", "links"}});
  EXPECT_EQ(c.node.moves, Moves::links);
  EXPECT_NE(refusal({{"network.locators", "0:0:0:a%lo-0:0:0:b%lo"}, {"network.moves", "links"}}).find("one set"),
            std::string::npos);
  EXPECT_NE(refusal({{"network.locators", "0:0:0:a%lo"}, {"network.moves", "wifi"}}).find("not cycle or links"),
            std::string::npos);
}

}  // namespace
}  // namespace ilnp::apps
