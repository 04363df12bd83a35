// Every step is a simulator call at the application's next wake-up, so the
// application's sends interleave with the other nodes' events in virtual time.
#include "sim_apps.hpp"

#include "applications.hpp"
#include "experiment_app.hpp"
#include "heartbeat_app.hpp"

namespace ilnp::apps::sim {

// Virtual time wakes the experiment exactly when a datagram is due.
constexpr std::size_t kOneDatagramPerWakeup = 1;

SimApplication::SimApplication(SimHost& host, std::unique_ptr<AppLogic> app) : h_(host), app_(std::move(app)) {
  const auto& port = h_.config.application.port;
  if (port && !h_.sim.node(h_.index).bind(*port))
    throw std::runtime_error("application.port " + std::to_string(*port) + " is already bound");
  app_->start(h_.sim.now(), h_.wall());
  drain();
}

void SimApplication::on_deliver(const Deliver& d) {
  app_->on_datagram(h_.sim.now(), d);
  drain();
}

void SimApplication::finish() {
  app_->finish(h_.sim.now());
  drain();
}

void SimApplication::drain() {
  while (auto action = app_->poll()) perform(*action);
  rearm();
}

void SimApplication::perform(AppAction& action) {
  if (auto* s = std::get_if<SendToRemote>(&action)) {
    const auto& config = h_.config.application;
    auto status = h_.sim.send_to_host(h_.index, config.port.value_or(0), config.remote_hostname, config.remote_port,
                                      s->data);
    return app_->on_send_result(h_.sim.now(), status);
  }
  if (auto* p = std::get_if<PrintLine>(&action)) return h_.print(p->stamped ? h_.wall() + " " + p->text : p->text);
  if (auto* w = std::get_if<WarnLine>(&action)) return h_.log(Level::warn, w->text);
  if (std::holds_alternative<StopNode>(action)) h_.stop();
}

void SimApplication::rearm() {
  auto at = app_->next_wakeup();
  if (at == scheduled_for_) return;
  scheduled_for_ = at;
  auto generation = ++generation_;
  if (at == kNever) return;
  h_.sim.schedule(at, [this, generation] {
    if (generation != generation_ || h_.sim.stopped(h_.index)) return;
    scheduled_for_ = kNever;
    app_->on_wakeup(h_.sim.now(), h_.wall());
    drain();
  });
}

std::unique_ptr<SimApplication> start_heartbeat(SimHost& host) {
  return std::make_unique<SimApplication>(
      host, std::make_unique<HeartbeatApp>(heartbeat_settings(host.config), host.sim.node(host.index)));
}

std::unique_ptr<SimApplication> start_experiment(SimHost& host) {
  auto settings = experiment_settings(host.config.application, kOneDatagramPerWakeup);
  // Virtual time never waits, so a zero wait would send forever at one instant.
  if (settings.wait <= Duration{0})
    throw std::runtime_error("application.wait_time must be above 0 in the simulator");
  // The content beyond the sequence number does not matter; zeros keep runs reproducible.
  wire::Buffer payload(host.config.node.max_transport_data());
  return std::make_unique<SimApplication>(host, std::make_unique<ExperimentApp>(settings, std::move(payload)));
}

}  // namespace ilnp::apps::sim
