// Wiring of one real-time node. Counters are logged at exit so that a run
// always ends with what was dropped and why.
#include "runtime.hpp"

#include <fcntl.h>
#include <sodium.h>

#include <filesystem>
#include <system_error>

#include "counter_list.hpp"
#include "identity_file.hpp"
#include "private_dir.hpp"
#include "state_service.hpp"
#include "tun_service.hpp"
#include "ilnp/io/clock.hpp"

namespace ilnp::apps {

namespace {
std::uint64_t random_u64() {
  std::uint64_t v = 0;
  randombytes_buf(&v, sizeof v);
  return v;
}
}  // namespace

Runtime::Runtime(Config config)
    : config_(std::move(config)), systemd_(io_), signals_(io_, SIGINT, SIGTERM, SIGHUP) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  int log_fd = 2;
  if (!config_.log_file.empty()) {
    log_fd = ::open(config_.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) throw std::system_error(errno, std::generic_category(), "log.file '" + config_.log_file + "'");
  }
  log_ = std::make_unique<io::LogWriter>(log_fd);
  for (const auto& w : config_.warnings) log(Layer::application, Level::warn, w);

  auto& nc = config_.node;
  // Unix microseconds = monotonic Instant + offset: signed messages carry wall time.
  auto wall_us = std::chrono::duration_cast<std::chrono::microseconds>(
                     std::chrono::system_clock::now().time_since_epoch()).count();
  nc.wall_clock_offset_us = wall_us - std::chrono::duration_cast<std::chrono::microseconds>(
                                          io::now().time_since_epoch()).count();
  std::optional<security::Identity> identity;
  if (config_.state_dir.empty()) config_.state_dir = default_state_dir(nc.hostname);
  // Checked even without a key: state.db says who we talk to.
  if (nc.security.secure || config_.state_database) ensure_private_dir(config_.state_dir, "state directory");
  if (nc.security.secure) {
    identity = load_or_create_identity(config_.state_dir);
    nc.nid = identity->nid();
    log(Layer::network, Level::info,
        "secure mode: NID " + nc.nid.to_string() + " from key " + security::to_hex(identity->public_key()) + " (" +
            config_.state_dir + "/identity.key)");
  } else {
    log(Layer::network, Level::warn,
        "legacy mode: discovery and locator updates are unauthenticated; anyone on the LAN can redirect this "
        "node's traffic (set security.mode = secure and remove network.nid to close this)");
  }
  if (nc.nid.value == 0) {
    do nc.nid = Nid{random_u64()};
    while (nc.nid.value == 0);
    log(Layer::network, Level::info, "no network.nid configured: using random NID " + nc.nid.to_string());
  }
  Logger logger([this](Layer layer, Level level, std::string_view text) { log(layer, level, std::string(text)); },
                config_.log_levels);
  node_ = std::make_unique<Node>(nc, random_u64(), logger, std::move(identity));
  link_ = std::make_unique<io::MulticastLink>(io_, config_.link);
  link_->set_state_handler([this](const std::string& state) {
    log(Layer::link, link_->pending_joins() ? Level::warn : Level::info, state);
    systemd_.status(running_status());
  });
  if (!config_.hub_link.hubs.empty()) {
    const auto& id = node_->identity();
    hub_link_ = std::make_unique<io::HubLink>(io_, config_.hub_link, id ? &*id : nullptr, node_->config().nid, logger);
  }
  std::vector<io::Link*> links;
  if (hub_link_) links.push_back(hub_link_.get());
  links.push_back(link_.get());  // serves every locator a hub does not
  driver_ = std::make_unique<io::NodeDriver>(io_, *node_, std::move(links), logger);
  if (nc.moves == Moves::links) watch_links();
  if (!config_.trace_pcap.empty()) {
    trace_ = std::make_unique<io::PcapTrace>(
        io::PcapTraceOptions{config_.trace_pcap, config_.link.uid, config_.link.port, config_.trace_pcap_max_bytes},
        [this](const std::string& text) { log(Layer::link, Level::warn, text); });
    driver_->set_trace(trace_.get());
    log(Layer::link, Level::info, "tracing every datagram to " + config_.trace_pcap);
  }
  if (config_.state_database) {
    state_ = std::make_unique<StateService>(*this);
    subscribe([this](const Event& e) { state_->on_event(e); });
  }
  if (config_.tun.enable) tun_ = std::make_unique<TunService>(*this);
  driver_->set_notice_handler([this](const Event& e) {
    for (auto& s : subscribers_) s(e);
  });
  signals_.async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;
    // SIGHUP (the terminal or ssh session went away) stops as cleanly as
    // SIGTERM: nothing is reloaded, a new configuration needs a restart.
    log(Layer::application, Level::info,
        "received " + std::string(signal == SIGHUP ? "SIGHUP" : signal == SIGINT ? "SIGINT" : "SIGTERM") +
            " (signal " + std::to_string(signal) + "), stopping");
    stop();
  });
}

const io::TunDevice* Runtime::tun_device() const { return tun_ ? &tun_->device() : nullptr; }

std::optional<std::string> Runtime::interface_of(Locator l) const {
  if (!config_.hub_link.hubs.contains(l)) return link_->interface_of(l);
  auto bound = config_.hub_link.interfaces.find(l);
  if (bound == config_.hub_link.interfaces.end()) return std::nullopt;
  return bound->second;
}

// The interfaces of the locators: a multicast group's, or the one a hub is
// reached from (an unbound hub locator has no link of its own to lose).
void Runtime::watch_links() {
  std::vector<std::string> interfaces;
  std::string names;
  for (auto l : config_.node.locator_cycle.front())
    if (auto name = interface_of(l); name && std::find(interfaces.begin(), interfaces.end(), *name) == interfaces.end()) {
      interfaces.push_back(*name);
      names += (names.empty() ? "" : ", ") + *name;
    }
  log(Layer::link, Level::info, "network.moves = links: watching interface(s) " + names + " through rtnetlink");
  link_monitor_ = std::make_unique<io::LinkMonitor>(
      io_, std::move(interfaces), [this](const std::string& interface, bool up) { on_link_change(interface, up); });
}

void Runtime::on_link_change(const std::string& interface, bool up) {
  std::string locators;
  std::vector<Locator> on_it;
  for (auto l : config_.node.locator_cycle.front())
    if (interface_of(l) == interface) {
      on_it.push_back(l);
      locators += (locators.empty() ? "" : ", ") + l.to_string();
    }
  log(Layer::link, up ? Level::info : Level::warn,
      "interface " + interface + (up ? " is up" : " went down") + " (locators " + locators + ")");
  for (auto l : on_it) driver_->link_changed(l, up);
  systemd_.status(running_status());
}

std::string stopping_summary(const Stats& s) {
  std::string summary = "stopping: in " + std::to_string(s.datagrams_in) + " out " + std::to_string(s.datagrams_out) +
                        " forwarded " + std::to_string(s.forwarded) + " delivered " + std::to_string(s.delivered);
  for (std::size_t i = 0; i < kDropReasonCount; ++i)
    if (s.drops[i]) summary += " " + std::string(to_string(static_cast<DropReason>(i))) + "=" + std::to_string(s.drops[i]);
  return summary;
}

Runtime::~Runtime() = default;  // StateService is complete here

void Runtime::serve_control(const std::string& path, io::ControlServer::Handler handler) {
  // A configured path is the operator's choice (e.g. /tmp/x.sock); the default
  // directory has a predictable name another user could plant first.
  if (config_.control_socket.empty())
    ensure_private_dir(std::filesystem::path(path).parent_path().string(), "control socket directory");
  control_path_ = path;
  control_ = std::make_unique<io::ControlServer>(io_, path, std::move(handler), [this](const std::string& line) {
    log(Layer::application, Level::warn, line);
  });
  log(Layer::application, Level::info, "control socket at " + path);
}

void Runtime::log(Layer layer, Level level, const std::string& text) {
  if (level > config_.log_levels[static_cast<std::size_t>(layer)]) return;
  log_->write(io::wall_clock_text() + " " + config_.node.hostname + " " + std::string(to_string(layer)) + " " +
              std::string(to_string(level)) + ": " + text);
}

int Runtime::run() {
  log(Layer::application, Level::info,
      "node " + config_.node.hostname + " nid " + config_.node.nid.to_string() + " on interface " +
          link_->interfaces_text() + " port " + std::to_string(config_.link.port) +
          (link_monitor_ ? ", moving when their links go down and up" : ""));
  driver_->start();
  if (link_monitor_) link_monitor_->start();
  systemd_.ready(running_status());
  io_.run();
  finish();
  return 0;
}

std::string Runtime::running_status() const {
  std::string status = link_->pending_joins()
                           ? "waiting for an interface of " + link_->interfaces_text() + " to join " +
                                 std::to_string(link_->pending_joins()) + " group(s)"
                           : "running on " + link_->interfaces_text() + ", " + std::to_string(link_->joined_count()) +
                                 " group(s) joined";
  if (link_monitor_)
    for (const auto& [name, up] : link_monitor_->states())
      if (!up) status += ", " + name + " down";
  status += "; node " + config_.node.hostname + " nid " + node_->config().nid.to_string();
  if (!control_path_.empty()) status += ", control at " + control_path_;
  return status;
}

// stop() is called from inside a handler (a signal, an application seeing its
// last datagram) while the driver may still be dispatching that batch's
// notices to subscribers: it only ends the loop. The teardown waits until no
// handler runs (a state service reset mid-batch once crashed a receiver).
void Runtime::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (stop_hook_) stop_hook_();
  io_.stop();
}

void Runtime::finish() {
  systemd_.stopping("stopping");
  auto summary = stopping_summary(node_->stats());
  for (const auto& c : link_counter_list(*this))
    if (c.value) summary += " " + c.key + "=" + std::to_string(c.value);
  if (trace_) {
    driver_->set_trace(nullptr);
    trace_->close();  // writes what is buffered: the figures below are final
    const auto t = trace_->stats();
    summary += " trace_records=" + std::to_string(t.records) + " trace_dropped_busy=" +
               std::to_string(t.dropped_busy) + " trace_dropped_cap=" + std::to_string(t.dropped_cap);
  }
  // Always written, whatever the log levels: a run ends with what was dropped and why.
  log_->write(io::wall_clock_text() + " " + config_.node.hostname + " application info: " + summary);
  control_.reset();  // removes the socket file
  state_.reset();    // commits what is still queued
  out_.flush();
  log_->flush();
}

}  // namespace ilnp::apps
