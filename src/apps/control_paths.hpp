// Where a node's control socket lives and how `ilnp ctl` finds one: the
// user's own directory first, then the per-unit directories systemd makes.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ilnp::apps {

// $RUNTIME_DIRECTORY (set by systemd's RuntimeDirectory=, e.g. /run/ilnp/NAME),
// else $XDG_RUNTIME_DIR/ilnp, /run/ilnp for root, or /tmp/ilnp-<uid> (created
// 0700 and checked by ensure_private_dir before use).
[[nodiscard]] std::string default_control_dir();

// The directories `ilnp ctl` searches, in order: default_control_dir(), then
// each directory under /run/ilnp (one per `ilnp@NAME` unit).
[[nodiscard]] std::vector<std::string> control_search_dirs();

// The socket to talk to: with `node`, the first NODE.sock in the search
// directories; without, the only *.sock found. Throws std::runtime_error
// saying where it looked, or listing the nodes when there are several.
[[nodiscard]] std::string find_control_socket(const std::optional<std::string>& node);

}  // namespace ilnp::apps
