// Directories only this user may change: the control socket's and the state
// directory (identity.key, state.db). Knows nothing of what goes inside them.
#pragma once

#include <string>

namespace ilnp::apps {

// Creates `path` (and missing parents) with mode 0700 and checks, as
// ssh-agent and tmux do, that nobody else can replace what is inside: every
// component must be owned by us or root, the directory itself by us, and no
// component writable by group or others (a root-owned sticky directory such
// as /tmp excepted, when it is not `path` itself). Throws std::runtime_error
// naming the directory, the problem and what to do.
void ensure_private_dir(const std::string& path, const std::string& what);

}  // namespace ilnp::apps
