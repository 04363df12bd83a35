// What the control socket answers: `status [--json]` and `move LOCATORS`.
// Reads the node through its public accessors; changes it only through move_to.
#pragma once

#include <string>

#include "runtime.hpp"

namespace ilnp::apps {

// Answers one request line. Errors start with "error: ".
[[nodiscard]] std::string handle_control_request(Runtime& runtime, const std::string& request);

// $XDG_RUNTIME_DIR/ilnp, or /run/ilnp for root, or /tmp/ilnp-<uid>.
[[nodiscard]] std::string default_control_dir();

}  // namespace ilnp::apps
