// In virtual time every send is exactly on schedule, so the experiment sends
// one datagram per event instead of experiment.cpp's bursts, and never waits
// for a send queue (the simulator has none).
#include "sim_apps.hpp"

#include "applications.hpp"
#include "experiment_stats.hpp"

namespace ilnp::apps::sim {

namespace {

using namespace std::chrono_literals;

constexpr Duration kMaxLag = 100ms;            // as experiment.cpp
constexpr Duration kRetryUnreachable = 5ms;    // as experiment.cpp
constexpr Duration kPeerStopGrace = 2s;        // as experiment.cpp
constexpr int kStopCopies = 3;

class Heartbeat final : public SimApplication {
 public:
  explicit Heartbeat(SimHost& h) : h_(h), app_(h.config.application) {
    if (app_.port && !h_.sim.node(h_.index).bind(*app_.port))
      throw std::runtime_error("application.port " + std::to_string(*app_.port) + " is already bound");
    tick();
  }

  void on_deliver(const Deliver& d) override {
    auto from = h_.sim.node(h_.index).name_of(d.source, h_.sim.now()).value_or("?");
    h_.print(heartbeat_received_line(h_.wall(), from, d, h_.config.node.hostname));
  }

 private:
  void tick() {
    send();
    h_.sim.schedule(h_.sim.now() + 1s, [this] {
      if (!h_.sim.stopped(h_.index)) tick();
    });
  }

  void send() {
    if (app_.remote_hostname.empty()) return;
    const auto& me = h_.config.node.hostname;
    auto message = heartbeat_message(h_.wall(), me);
    auto status = h_.sim.send_to_host(h_.index, app_.port.value_or(0), app_.remote_hostname, app_.remote_port,
                                      wire::as_bytes(message));
    if (!problems_.report([this](const std::string& p) { h_.log(Level::warn, p); }, status, app_.remote_hostname))
      return;
    auto& node = h_.sim.node(h_.index);
    auto remote = *node.resolve(app_.remote_hostname, h_.sim.now());
    h_.print(heartbeat_sent_line(h_.wall(), app_.remote_hostname, remote, app_.remote_port, me,
                                 Ilv{node.active_locators().front(), node.config().nid}, app_.port.value_or(0),
                                 message));
  }

  SimHost& h_;
  const ApplicationConfig& app_;
  SendProblemReporter problems_;
};

class Experiment final : public SimApplication {
 public:
  explicit Experiment(SimHost& h) : h_(h), app_(h.config.application), wait_(seconds_f(app_.wait_time)) {
    if (wait_ <= Duration{0}) throw std::runtime_error("application.wait_time must be above 0 in the simulator");
    // The content beyond the sequence number does not matter; zeros keep runs reproducible.
    payload_.resize(h.config.node.max_transport_data());
    if (app_.port && !h_.sim.node(h_.index).bind(*app_.port))
      throw std::runtime_error("application.port " + std::to_string(*app_.port) + " is already bound");
    if (!app_.remote_hostname.empty()) send_due();
  }

  [[nodiscard]] bool is_experiment() const override { return true; }

  void on_deliver(const Deliver& d) override {
    auto now = h_.sim.now();
    if (!started_) started_ = now;
    auto sequence = read_sequence(d.data);
    if (app_.print_datagrams) h_.print(received_line(h_.wall(), d.source, d.arrival, d.data.size(), sequence));
    if (sequence == 0) {
      if (d.data.size() != 8) return;
      peer_stopped_ = true;
      if (app_.remote_hostname.empty() || sending_done_) h_.stop();
      return;
    }
    stats_.on_received(sequence, d.data.size(), now);
    if (!sending_done_) last_activity_ = now;
  }

  void finish() override {
    auto end = last_activity_.value_or(h_.sim.now());
    double duration = started_ ? to_seconds(end - *started_) : 0.0;
    for (auto& line : closing_lines(stats_, duration)) h_.print(std::move(line));
  }

 private:
  void at(Instant when, void (Experiment::*step)()) {
    h_.sim.schedule(when, [this, step] {
      if (!h_.sim.stopped(h_.index)) (this->*step)();
    });
  }

  void send_due() {
    auto now = h_.sim.now();
    if (sending_started_ && app_.run_time && now - *sending_started_ >= seconds_f(*app_.run_time)) return send_stop();
    if (!send_one(next_sequence_)) return at(now + kRetryUnreachable, &Experiment::send_due);
    if (!sending_started_) sending_started_ = next_due_ = now;
    if (!started_) started_ = now;
    ++next_sequence_;
    next_due_ += wait_;
    if (now - next_due_ > kMaxLag) next_due_ = now;
    at(next_due_, &Experiment::send_due);
  }

  bool send_one(std::uint64_t sequence) {
    write_sequence(payload_, sequence);
    std::size_t size = sequence == 0 ? 8 : payload_.size();
    auto status = h_.sim.send_to_host(h_.index, app_.port.value_or(0), app_.remote_hostname, app_.remote_port,
                                      wire::Bytes(payload_.data(), size));
    if (!problems_.report([this](const std::string& p) { h_.log(Level::warn, p); }, status, app_.remote_hostname))
      return false;
    if (sequence != 0) stats_.on_sent(size);
    if (app_.print_datagrams) h_.print(sent_line(h_.wall(), app_.remote_hostname, size, sequence));
    return true;
  }

  void send_stop() {
    // Sequence 0 tells the receiver to stop; a few copies survive a lossy link.
    for (int i = 0; i < kStopCopies; ++i) send_one(0);
    sending_done_ = true;
    last_activity_ = h_.sim.now();
    if (!app_.port || peer_stopped_) return h_.stop();
    at(h_.sim.now() + kPeerStopGrace, &Experiment::stop);
  }

  void stop() { h_.stop(); }

  SimHost& h_;
  const ApplicationConfig& app_;
  Duration wait_;
  wire::Buffer payload_;
  std::uint64_t next_sequence_{1};
  Instant next_due_{};
  std::optional<Instant> started_;
  std::optional<Instant> sending_started_;
  std::optional<Instant> last_activity_;
  ExperimentStats stats_;
  SendProblemReporter problems_;
  bool sending_done_{false};
  bool peer_stopped_{false};
};

}  // namespace

std::unique_ptr<SimApplication> start_heartbeat(SimHost& host) { return std::make_unique<Heartbeat>(host); }
std::unique_ptr<SimApplication> start_experiment(SimHost& host) { return std::make_unique<Experiment>(host); }

}  // namespace ilnp::apps::sim
