// The heartbeat and experiment applications of `ilnp sim`: the same logic as
// `ilnp heartbeat` and `ilnp experiment` (heartbeat_app, experiment_app), on
// a simulated node in virtual time. Knows nothing of files or the results
// folder (sim_run does).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "app_logic.hpp"
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

// Runs a sans-I/O application (app_logic.hpp) on a simulated node: wakes it
// with simulator calls and performs its actions in virtual time.
class SimApplication {
 public:
  // Binds application.port (throws when it is taken) and starts `app` at once.
  SimApplication(SimHost& host, std::unique_ptr<AppLogic> app);
  SimApplication(const SimApplication&) = delete;  // scheduled calls hold `this`
  SimApplication& operator=(const SimApplication&) = delete;
  void on_deliver(const Deliver& d);
  // When the process ends: closing lines.
  void finish();

 private:
  void drain();
  void perform(AppAction& action);
  void rearm();

  SimHost& h_;
  std::unique_ptr<AppLogic> app_;
  Instant scheduled_for_{kNever};
  std::uint64_t generation_{0};  // a scheduled call counts only while it matches
};

// Started at once; `host` must outlive the application.
[[nodiscard]] std::unique_ptr<SimApplication> start_heartbeat(SimHost& host);
// Sends numbered datagrams every application.wait_time (> 0) for
// application.run_time, then three copies of sequence 0, like `ilnp
// experiment`; a receiver stops on sequence 0.
[[nodiscard]] std::unique_ptr<SimApplication> start_experiment(SimHost& host);

}  // namespace ilnp::apps::sim
