// The node's side of systemd's notify protocol (sd_notify(3)): READY=1,
// STATUS=, RELOADING=1, STOPPING=1 and the watchdog keep-alive. Without
// NOTIFY_SOCKET (not started by systemd) every call does nothing.
#pragma once

#include <chrono>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace ilnp::io {

class SystemdNotify {
 public:
  // Reads WATCHDOG_USEC/WATCHDOG_PID (sd_watchdog_enabled); the keep-alive
  // starts with ready() and is sent from the event loop every half period,
  // so a stuck loop is what systemd sees and restarts.
  explicit SystemdNotify(boost::asio::io_context& io);

  void ready(const std::string& status);
  void status(const std::string& status);
  void stopping(const std::string& status);
  [[nodiscard]] bool watchdog_enabled() const { return watchdog_period_.count() > 0; }

 private:
  void send(const std::string& message);
  void keep_alive();

  boost::asio::steady_timer timer_;
  std::chrono::microseconds watchdog_period_{0};
  std::string last_status_;
};

}  // namespace ilnp::io
