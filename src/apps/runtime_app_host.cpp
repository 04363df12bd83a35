// A send waits while the link's send queue is backlogged instead of
// overrunning it; the application hears the result only once it is sent.
#include "runtime_app_host.hpp"

#include "ilnp/io/clock.hpp"

namespace ilnp::apps {

RuntimeAppHost::RuntimeAppHost(Runtime& runtime, AppLogic& app, Observers observers)
    : rt_(runtime), app_(app), observers_(std::move(observers)), timer_(runtime.io()) {}

void RuntimeAppHost::start() {
  const auto& config = rt_.config().application;
  auto deliver = [this](const Deliver& d) {
    app_.on_datagram(io::now(), d);
    if (observers_.received) observers_.received(d);
    drain();
  };
  if (config.port && !rt_.driver().bind(*config.port, deliver))
    throw std::runtime_error("application.port " + std::to_string(*config.port) + " is already bound");
  rt_.on_stop([this] {
    app_.finish(io::now());
    drain();
    if (observers_.finished) observers_.finished();
  });
  app_.start(io::now(), io::wall_clock_text());
  drain();
}

void RuntimeAppHost::drain() {
  while (auto action = app_.poll()) perform(*action);
  rearm();
}

void RuntimeAppHost::perform(AppAction& action) {
  if (auto* s = std::get_if<SendToRemote>(&action)) return send(s->data);
  if (auto* p = std::get_if<PrintLine>(&action))
    return rt_.print(p->stamped ? io::wall_clock_text() + " " + p->text : std::move(p->text));
  if (auto* w = std::get_if<WarnLine>(&action)) return rt_.log(Layer::application, Level::warn, w->text);
  if (std::holds_alternative<StopNode>(action)) rt_.stop();
}

void RuntimeAppHost::send(wire::Bytes data) {
  auto& driver = rt_.driver();
  if (driver.backlogged()) {  // the multicast link or a hub link
    // `data` stays valid: the application waits for this send's result.
    return driver.when_writable([this, data] {
      send(data);
      drain();
    });
  }
  const auto& config = rt_.config().application;
  auto status = rt_.driver().send_to_host(config.port.value_or(0), config.remote_hostname, config.remote_port, data);
  if (status == SendStatus::sent && observers_.sent) observers_.sent(data);
  app_.on_send_result(io::now(), status);
}

void RuntimeAppHost::rearm() {
  auto at = app_.next_wakeup();
  if (at == armed_for_) return;
  armed_for_ = at;
  if (at == kNever) return (void)timer_.cancel();
  timer_.expires_after(std::max(at - io::now(), Duration{0}));
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    armed_for_ = kNever;
    app_.on_wakeup(io::now(), io::wall_clock_text());
    drain();
  });
}

}  // namespace ilnp::apps
