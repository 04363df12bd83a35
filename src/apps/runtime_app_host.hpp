// Runs a sans-I/O application (app_logic.hpp) on a Runtime in real time: binds
// application.port, wakes the application with a timer, performs its actions.
// Knows no particular application (experiment.cpp, heartbeat.cpp attach them).
#pragma once

#include <functional>
#include <optional>

#include <boost/asio/steady_timer.hpp>

#include "app_logic.hpp"
#include "runtime.hpp"

namespace ilnp::apps {

class RuntimeAppHost {
 public:
  // What an attached application may want to record beyond its own actions.
  struct Observers {
    std::function<void(wire::Bytes)> sent;           // a datagram the node accepted
    std::function<void(const Deliver&)> received;   // after the application saw it
    std::function<void()> finished;                 // after the closing lines
  };

  // `app` must outlive the host.
  RuntimeAppHost(Runtime& runtime, AppLogic& app, Observers observers = {});

  // Binds application.port (throws when it is taken) and starts the application.
  void start();

 private:
  void drain();
  void perform(AppAction& action);
  void send(wire::Bytes data);
  void rearm();

  Runtime& rt_;
  AppLogic& app_;
  Observers observers_;
  boost::asio::steady_timer timer_;
  Instant armed_for_{kNever};
};

}  // namespace ilnp::apps
