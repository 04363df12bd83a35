// `ilnp heartbeat`: the heartbeat logic (heartbeat_app) on a Runtime.
#include "applications.hpp"
#include "runtime_app_host.hpp"

namespace ilnp::apps {

namespace {

class Heartbeat final : public Application {
 public:
  explicit Heartbeat(Runtime& rt) : logic_(heartbeat_settings(rt.config()), rt.node()), host_(rt, logic_) {
    host_.start();
  }

 private:
  HeartbeatApp logic_;
  RuntimeAppHost host_;
};

}  // namespace

std::unique_ptr<Application> attach_heartbeat(Runtime& runtime) { return std::make_unique<Heartbeat>(runtime); }

}  // namespace ilnp::apps
