// The heartbeat and experiment applications of `ilnp sim`: what heartbeat.cpp
// and experiment.cpp do on a Runtime, done on a simulated node in virtual
// time, with the same lines and counters (applications.hpp, experiment_stats).
// Knows nothing of files or the results folder (sim_run does).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "config.hpp"
#include "ilnp/sim/simulator.hpp"

namespace ilnp::apps::sim {

// What an application sees of its simulated node.
struct SimHost {
  ilnp::sim::Simulator& sim;
  std::size_t index;
  const Config& config;
  std::function<void(std::string)> print;  // a line of the node's standard output
  std::function<void(Level, std::string)> log;  // an application log line
  std::function<std::string()> wall;  // virtual wall-clock text
  std::function<void()> stop;  // the node's process ends (idempotent)
};

class SimApplication {
 public:
  virtual ~SimApplication() = default;
  virtual void on_deliver(const Deliver& d) = 0;
  // When the process ends: closing lines.
  virtual void finish() {}
  // An experiment application that has finished its part (stopped).
  [[nodiscard]] virtual bool is_experiment() const { return false; }
};

// Started at once; `host` must outlive the application.
[[nodiscard]] std::unique_ptr<SimApplication> start_heartbeat(SimHost& host);
// Sends numbered datagrams every application.wait_time (> 0) for
// application.run_time, then three copies of sequence 0, like `ilnp
// experiment`; a receiver stops on sequence 0.
[[nodiscard]] std::unique_ptr<SimApplication> start_experiment(SimHost& host);

}  // namespace ilnp::apps::sim
