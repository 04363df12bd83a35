// `ilnp hub`: runs a relay hub server until SIGINT/SIGTERM.
#pragma once

namespace ilnp::apps {

// argv[0] is "hub". Throws boost::program_options::error for bad options.
int run_hub(int argc, char** argv);

}  // namespace ilnp::apps
