// Runs a resolved Plan in the simulator and writes the results folder that
// `scripts/experiment run` writes (experiment.json, logs/NODE.{out,log,ini};
// experiments/analyze.py turns it into tables and plots), plus trace.pcap
// when asked. Owns the start order, the virtual wall clock and the files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim_plan.hpp"

namespace ilnp::apps::sim {

struct SimOptions {
  std::string out_dir;
  std::uint64_t seed{1};
  bool trace{false};
  double topology_run_time_s{60};  // a .topo without run_time: how long to run
};

struct SimReport {
  std::size_t nodes{0};
  double simulated_s{0};
  double wall_s{0};
  std::uint64_t transmissions{0};
  std::vector<std::string> problems;
};

// Throws std::runtime_error (a node's configuration, the files).
[[nodiscard]] SimReport run_simulation(const Plan& plan, const SimOptions& options);

}  // namespace ilnp::apps::sim
