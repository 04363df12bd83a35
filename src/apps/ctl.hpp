// `ilnp ctl`: talks to a running node's control socket.
#pragma once

namespace ilnp::apps {

// argv[0] is "ctl". Returns the process exit code.
int run_ctl(int argc, char** argv);

}  // namespace ilnp::apps
