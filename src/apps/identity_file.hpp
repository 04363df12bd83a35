// The node's long-term identity on disk: <state_dir>/identity.key holds the
// Ed25519 seed in hex, mode 0600, created on first start and never
// overwritten. A damaged file is an error, never a reason to make a new key.
#pragma once

#include <string>

#include "ilnp/core/security/identity.hpp"

namespace ilnp::apps {

// Loads the identity, creating it (and the directory, 0700, checked by
// ensure_private_dir) if absent. Refuses, with a std::runtime_error naming the
// file, the problem and what to do: a key readable by group or others or owned
// by someone else (as ssh does), and a missing key beside an existing state.db
// (the node had an identity: a new NID must be asked for by removing state.db).
[[nodiscard]] security::Identity load_or_create_identity(const std::string& state_dir);

// $STATE_DIRECTORY (systemd's StateDirectory=), else $XDG_STATE_HOME/ilnp/HOST,
// /var/lib/ilnp/HOST for root, ~/.local/state/ilnp/HOST, or /tmp/ilnp-state-UID/HOST.
[[nodiscard]] std::string default_state_dir(const std::string& hostname);

}  // namespace ilnp::apps
