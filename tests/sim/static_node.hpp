// A node that stays on its locators (no mobility), for the simulator tests.
#pragma once

#include <cstdint>
#include <vector>

#include "ilnp/core/node/node_config.hpp"

namespace ilnp::test {

inline NodeConfig static_node(std::uint64_t nid, const char* hostname, std::vector<Locator> locators) {
  NodeConfig c;
  c.nid = Nid{nid};
  c.hostname = hostname;
  c.locator_cycle = {std::move(locators)};
  return c;
}

}  // namespace ilnp::test
