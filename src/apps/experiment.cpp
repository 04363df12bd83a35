// The throughput experiment. Sending is paced against the start time (not by
// sleeping between datagrams), never bursts to catch up after an outage, and
// waits for the link's send queue instead of overrunning it.
#include <sodium.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "applications.hpp"
#include "experiment_stats.hpp"
#include "ilnp/io/clock.hpp"
#include "ilnp/store/results_writer.hpp"

namespace ilnp::apps {

namespace {

constexpr std::size_t kBurst = 32;
constexpr Duration kMaxLag = std::chrono::milliseconds(100);
// The node solicits at once when it has no route; try again soon after.
constexpr Duration kRetryUnreachable = std::chrono::milliseconds(5);
constexpr int kStopCopies = 3;
// A node that both sends and receives waits this long for its peer's stop.
constexpr auto kPeerStopGrace = std::chrono::seconds(2);

class Experiment final : public Application {
 public:
  explicit Experiment(Runtime& rt)
      : rt_(rt), app_(rt.config().application), timer_(rt.io()), progress_timer_(rt.io()) {
    if (!app_.results_file.empty()) {
      results_.emplace(app_.results_file,
                       store::RunInfo{"experiment", rt.config().node.hostname, wall_now(),
                                      "remote=" + app_.remote_hostname + " wait_time=" + std::to_string(app_.wait_time)});
      rt.subscribe([this](const Event& e) { record_event(e); });
    }
    payload_.resize(rt.config().node.max_transport_data());
    randombytes_buf(payload_.data(), payload_.size());
    wait_ = seconds_f(app_.wait_time);
  }

  void start() {
    if (app_.port && !rt_.driver().bind(*app_.port, [this](const Deliver& d) { on_receive(d); }))
      throw std::runtime_error("application.port " + std::to_string(*app_.port) + " is already bound");
    rt_.on_stop([this] { finish(); });
    if (app_.progress_interval > 0) report_progress();
    if (!app_.remote_hostname.empty()) return schedule(io::now());
    if (!app_.port && app_.run_time) {  // a router: just run for run_time
      timer_.expires_after(std::chrono::duration_cast<std::chrono::nanoseconds>(seconds_f(*app_.run_time)));
      timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) rt_.stop();
      });
    }
  }

 private:
  void schedule(Instant at) {
    timer_.expires_after(std::max(at - io::now(), Duration{0}));
    timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) send_due();
    });
  }

  void send_due() {
    auto now = io::now();
    if (sending_started_ && app_.run_time && now - *sending_started_ >= seconds_f(*app_.run_time)) return send_stop();
    if (rt_.driver().link().backlogged()) return rt_.driver().link().when_writable([this] { send_due(); });
    for (std::size_t i = 0; i < kBurst && next_due_ <= now; ++i) {
      if (!send_one(next_sequence_)) return schedule(now + kRetryUnreachable);
      if (!sending_started_) sending_started_ = next_due_ = now;
      if (!started_) started_ = now;
      ++next_sequence_;
      next_due_ += wait_;
    }
    if (wait_ == Duration{0}) return boost::asio::post(rt_.io(), [this] { send_due(); });
    // After an outage, skip ahead instead of bursting to catch up.
    if (now - next_due_ > kMaxLag) next_due_ = now;
    schedule(next_due_);
  }

  bool send_one(std::uint64_t sequence) {
    write_sequence(payload_, sequence);
    std::size_t size = sequence == 0 ? 8 : payload_.size();
    auto status = rt_.driver().send_to_host(app_.port.value_or(0), app_.remote_hostname, app_.remote_port,
                                            wire::Bytes(payload_.data(), size));
    if (!problems_.report(rt_, status, app_.remote_hostname)) return false;
    if (sequence != 0) {
      stats_.on_sent(size);
      if (results_) {
        auto to = rt_.node().resolve(app_.remote_hostname, io::now()).value_or(Ilv{});
        results_->datagram(store::DatagramRow{wall_now(), store::Direction::sent, sequence,
                                              static_cast<std::uint32_t>(size), to.locator, to.nid});
      }
    }
    if (app_.print_datagrams)
      rt_.print(sent_line(io::wall_clock_text(), app_.remote_hostname, size, sequence));
    return true;
  }

  void send_stop() {
    // Sequence 0 tells the receiver to stop; a few copies survive a lossy link.
    for (int i = 0; i < kStopCopies; ++i) send_one(0);
    sending_done_ = true;
    last_activity_ = io::now();
    if (!app_.port || peer_stopped_) return rt_.stop();
    timer_.expires_after(kPeerStopGrace);
    timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) rt_.stop();
    });
  }

  void report_progress() {
    rt_.print(io::wall_clock_text() + " progress: sent " + std::to_string(stats_.sent()) + " received " +
              std::to_string(stats_.received()) + " lost " + std::to_string(stats_.lost()) + " duplicates " +
              std::to_string(stats_.duplicates()) + " longest gap " +
              std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(stats_.longest_gap()).count()) +
              " ms");
    progress_timer_.expires_after(seconds_f(app_.progress_interval));
    progress_timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) report_progress();
    });
  }

  void on_receive(const Deliver& d) {
    auto now = io::now();
    if (!started_) started_ = now;
    auto sequence = read_sequence(d.data);
    if (app_.print_datagrams)
      rt_.print(received_line(io::wall_clock_text(), d.source, d.arrival, d.data.size(), sequence));
    if (sequence == 0) {
      if (d.data.size() != 8) return;
      peer_stopped_ = true;
      if (app_.remote_hostname.empty() || sending_done_) rt_.stop();
      return;
    }
    stats_.on_received(sequence, d.data.size(), now);
    if (results_)
      results_->datagram(store::DatagramRow{wall_now(), store::Direction::received, sequence,
                                            static_cast<std::uint32_t>(d.data.size()), d.arrival, d.source.nid});
    if (!sending_done_) last_activity_ = now;
  }

  static store::WallTime wall_now() { return store::to_wall_time(std::chrono::system_clock::now()); }

  void record_event(const Event& event) {
    auto list = [](const std::vector<Locator>& ls) {
      std::string out;
      for (auto l : ls) out += (out.empty() ? "" : ",") + l.to_string();
      return out;
    };
    if (auto* m = std::get_if<Moved>(&event)) {
      results_->event({wall_now(), "move", list(m->from) + " -> " + list(m->to)});
    } else if (auto* u = std::get_if<UpdateSent>(&event)) {
      results_->event({wall_now(), "update_sent", u->peer.to_string() + " via " + u->via.to_string()});
    } else if (auto* a = std::get_if<UpdateAcknowledged>(&event)) {
      results_->event({wall_now(), "update_acked",
                       a->peer.to_string() + " rtt_us=" +
                           std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(a->round_trip).count())});
    } else if (auto* l = std::get_if<LocatorLeft>(&event)) {
      results_->event({wall_now(), "left", l->link.to_string()});
    }
  }

  void finish() {
    // The run ends with the last datagram sent or received, not with the wait
    // for the peer's stop or the signal that ended the process.
    auto end = last_activity_.value_or(io::now());
    double duration = started_ ? to_seconds(end - *started_) : 0.0;
    for (auto& line : closing_lines(stats_, duration)) rt_.print(std::move(line));
    if (results_) results_->flush();
  }

  Runtime& rt_;
  const ApplicationConfig& app_;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer progress_timer_;
  wire::Buffer payload_;
  Duration wait_{};
  std::uint64_t next_sequence_{1};
  Instant next_due_{};
  std::optional<Instant> started_;          // first datagram sent or received
  std::optional<Instant> sending_started_;  // paces sending from the first send
  std::optional<Instant> last_activity_;
  ExperimentStats stats_;
  std::optional<store::ResultsWriter> results_;
  SendProblemReporter problems_;
  bool sending_done_{false};
  bool peer_stopped_{false};
};

}  // namespace

std::unique_ptr<Application> attach_experiment(Runtime& runtime) {
  auto experiment = std::make_unique<Experiment>(runtime);
  experiment->start();
  return experiment;
}

}  // namespace ilnp::apps
