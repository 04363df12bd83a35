// The prototype's applications, run on a Runtime: heartbeat and experiment.
// Their logic is sans-I/O (heartbeat_app, experiment_app) and shared with `ilnp sim`.
#pragma once

#include "experiment_app.hpp"
#include "heartbeat_app.hpp"
#include "runtime.hpp"

namespace ilnp::apps {

// An application attached to a runtime; destroying it detaches it.
struct Application {
  virtual ~Application() = default;
};

// Once a second sends "<timestamp> | <hostname>" to the remote (if any) and
// prints a line per message sent or received.
[[nodiscard]] std::unique_ptr<Application> attach_heartbeat(Runtime& runtime);

// Sends numbered 1396-byte datagrams every wait_time for run_time, then
// sequence 0; a receiver counts them. Prints one JSON summary as its last line.
// Stops the runtime when it is done.
[[nodiscard]] std::unique_ptr<Application> attach_experiment(Runtime& runtime);

// The applications' settings from the configuration (real time and simulator).
[[nodiscard]] inline ExperimentSettings experiment_settings(const ApplicationConfig& app, std::size_t max_burst) {
  return {.remote = app.remote_hostname,
          .receives = app.port.has_value(),
          .run_time = app.run_time ? std::optional(seconds_f(*app.run_time)) : std::nullopt,
          .wait = seconds_f(app.wait_time),
          .print_datagrams = app.print_datagrams,
          .max_burst = max_burst};
}
[[nodiscard]] inline HeartbeatSettings heartbeat_settings(const Config& config) {
  return {.me = config.node.hostname,
          .port = config.application.port.value_or(0),
          .remote = config.application.remote_hostname,
          .remote_port = config.application.remote_port};
}

}  // namespace ilnp::apps
