// A node identity from one repeated seed byte: the same keys and NID every
// run, for the tests that need secure-mode nodes.
#pragma once

#include <cstdint>

#include "ilnp/core/security/identity.hpp"

namespace ilnp::testing {

[[nodiscard]] inline security::Identity fixed_identity(std::uint8_t tag) {
  security::Seed seed{};
  seed.fill(static_cast<std::byte>(tag));
  return security::Identity::from_seed(seed);
}

}  // namespace ilnp::testing
