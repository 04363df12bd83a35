// sd_notify() returns 0 when NOTIFY_SOCKET is unset, so nothing here checks
// for systemd; a failed send is ignored (the manager is gone or restarting).
#include "ilnp/io/systemd_notify.hpp"

#include <systemd/sd-daemon.h>

namespace ilnp::io {

SystemdNotify::SystemdNotify(boost::asio::io_context& io) : timer_(io) {
  std::uint64_t usec = 0;
  if (::sd_watchdog_enabled(0, &usec) > 0 && usec > 0) watchdog_period_ = std::chrono::microseconds(usec / 2);
}

void SystemdNotify::send(const std::string& message) { (void)::sd_notify(0, message.c_str()); }

void SystemdNotify::ready(const std::string& text) {
  last_status_ = text;
  send("READY=1\nSTATUS=" + text);
  if (watchdog_enabled()) keep_alive();
}

void SystemdNotify::status(const std::string& text) {
  if (text == last_status_) return;
  last_status_ = text;
  send("STATUS=" + text);
}

void SystemdNotify::stopping(const std::string& text) {
  timer_.cancel();
  send("STOPPING=1\nSTATUS=" + text);
}

void SystemdNotify::keep_alive() {
  send("WATCHDOG=1");
  timer_.expires_after(watchdog_period_);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) keep_alive();
  });
}

}  // namespace ilnp::io
