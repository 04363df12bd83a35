// `ilnp sim`: every node of a topology or experiment in one process, in
// virtual time (sim_plan, sim_run, sim_apps).
#pragma once

namespace ilnp::apps {

// argv[0] is "sim". Returns the exit status; bad input is reported on stderr.
int run_sim(int argc, char** argv);

}  // namespace ilnp::apps
