// Everything a subcommand needs to run one node in real time: the event loop,
// the link, the driver, log and output writers, systemd notification, and
// clean shutdown on SIGINT/SIGTERM/SIGHUP. Applications attach to it; it knows none of them.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "config.hpp"
#include "ilnp/core/node/node.hpp"
#include "ilnp/io/control_server.hpp"
#include "ilnp/io/hub_link.hpp"
#include "ilnp/io/link_monitor.hpp"
#include "ilnp/io/log_writer.hpp"
#include "ilnp/io/multicast_link.hpp"
#include "ilnp/io/node_driver.hpp"
#include "ilnp/io/systemd_notify.hpp"
#include "ilnp/io/tun_device.hpp"

namespace ilnp::apps {

class StateService;
class TunService;

// The node's part of the line every run ends with ("stopping: in N out N
// forwarded N delivered N" and each drop reason that occurred); shared with `ilnp sim`.
[[nodiscard]] std::string stopping_summary(const Stats& stats);

class Runtime {
 public:
  explicit Runtime(Config config);
  ~Runtime();

  // Runs until stop() or a signal (SIGINT, SIGTERM, SIGHUP: all stop cleanly),
  // then logs the summary and closes the control socket and the state
  // database; returns the exit code (0). Tells systemd READY=1 once the links
  // are joined (or waiting for their interface) and the control socket listens.
  int run();
  // Ends the event loop; safe to call from any handler, any number of times.
  void stop();
  // Called once when the node stops (signal or stop()), before the summary.
  void on_stop(std::function<void()> hook) { stop_hook_ = std::move(hook); }

  // A line on standard output, written off the event loop.
  void print(std::string line) { out_.write(std::move(line)); }
  void log(Layer layer, Level level, const std::string& text);
  // Opens the control socket; requests are answered by `handler` on the event
  // loop. With no control.socket configured (the default path), its
  // directory is created 0700 and refused if someone else could change it.
  void serve_control(const std::string& path, io::ControlServer::Handler handler);
  // The node's notices (moves, names learned, ...) also go to `handler`.
  void subscribe(std::function<void(const Event&)> handler) { subscribers_.push_back(std::move(handler)); }
  [[nodiscard]] StateService* state() { return state_.get(); }

  [[nodiscard]] boost::asio::io_context& io() { return io_; }
  [[nodiscard]] io::NodeDriver& driver() { return *driver_; }
  [[nodiscard]] const io::MulticastLink& link() const { return *link_; }
  // The relay hub link, or nullptr (no hub-backed locators).
  [[nodiscard]] const io::HubLink* hub_link() const { return hub_link_.get(); }
  // The interface watch (network.moves = links), or nullptr.
  [[nodiscard]] const io::LinkMonitor* link_monitor() const { return link_monitor_.get(); }
  // The interface a locator's link runs over: its group's, or the one its hub
  // is reached from (nullopt: a hub locator bound to none).
  [[nodiscard]] std::optional<std::string> interface_of(Locator l) const;
  // The TUN interface ([tun] enable), or nullptr.
  [[nodiscard]] const io::TunDevice* tun_device() const;
  [[nodiscard]] Node& node() { return *node_; }
  [[nodiscard]] const Config& config() const { return config_; }
  [[nodiscard]] io::LogWriter& out() { return out_; }
  // The --trace.pcap writer, or nullptr.
  [[nodiscard]] const io::PcapTrace* trace() const { return trace_.get(); }
  // Log lines lost to failed writes on the log file (stdout: out().write_errors()).
  [[nodiscard]] std::uint64_t log_write_errors() const { return log_ ? log_->write_errors() : 0; }
  // The control socket, or nullptr before serve_control.
  [[nodiscard]] const io::ControlServer* control() const { return control_.get(); }

 private:
  void finish();
  void watch_links();
  void on_link_change(const std::string& interface, bool up);
  [[nodiscard]] std::string running_status() const;

  Config config_;
  boost::asio::io_context io_;
  io::LogWriter out_{1};
  std::unique_ptr<io::LogWriter> log_;
  std::unique_ptr<Node> node_;
  std::unique_ptr<io::MulticastLink> link_;
  std::unique_ptr<io::HubLink> hub_link_;  // only with hub-backed locators
  std::unique_ptr<io::LinkMonitor> link_monitor_;  // network.moves = links
  std::unique_ptr<io::PcapTrace> trace_;
  std::unique_ptr<io::NodeDriver> driver_;
  std::unique_ptr<io::ControlServer> control_;
  std::unique_ptr<StateService> state_;
  std::unique_ptr<TunService> tun_;  // [tun] enable
  std::vector<std::function<void(const Event&)>> subscribers_;
  io::SystemdNotify systemd_;
  std::string control_path_;
  boost::asio::signal_set signals_;
  std::function<void()> stop_hook_;
  bool stopped_{false};
};

}  // namespace ilnp::apps
