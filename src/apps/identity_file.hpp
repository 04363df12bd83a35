// The node's long-term identity on disk: <state_dir>/identity.key holds the
// Ed25519 seed in hex, mode 0600, created on first start and never
// overwritten. A damaged file is an error, never a reason to make a new key.
#pragma once

#include <string>

#include "ilnp/core/security/identity.hpp"

namespace ilnp::apps {

// Loads the identity, creating it (and the directory, 0700) if absent.
// Throws std::runtime_error naming the file and the problem.
[[nodiscard]] security::Identity load_or_create_identity(const std::string& state_dir);

// $XDG_STATE_HOME/ilnp/HOST, ~/.local/state/ilnp/HOST, or /var/lib/ilnp/HOST for root.
[[nodiscard]] std::string default_state_dir(const std::string& hostname);

}  // namespace ilnp::apps
