// `ilnp experiment`: the experiment logic (experiment_app) on a Runtime, plus
// what only real time has: random payloads, progress lines and the SQLite
// results file (every datagram and handoff event).
#include <sodium.h>

#include "applications.hpp"
#include "ilnp/io/clock.hpp"
#include "ilnp/store/results_writer.hpp"
#include "runtime_app_host.hpp"

namespace ilnp::apps {

namespace {

// A real-time timer fires late; this many due datagrams catch up at once.
constexpr std::size_t kBurst = 32;

wire::Buffer random_payload(std::size_t size) {
  wire::Buffer payload(size);
  randombytes_buf(payload.data(), payload.size());
  return payload;
}

class Experiment final : public Application {
 public:
  explicit Experiment(Runtime& rt)
      : rt_(rt),
        app_(rt.config().application),
        logic_(experiment_settings(app_, kBurst), random_payload(rt.config().node.max_transport_data())),
        host_(rt, logic_, observers()),
        progress_timer_(rt.io()) {
    if (!app_.results_file.empty()) {
      results_.emplace(app_.results_file,
                       store::RunInfo{"experiment", rt.config().node.hostname, wall_now(),
                                      "remote=" + app_.remote_hostname + " wait_time=" + std::to_string(app_.wait_time)});
      rt.subscribe([this](const Event& e) { record_event(e); });
    }
    if (app_.progress_interval > 0) report_progress();
    host_.start();
  }

 private:
  RuntimeAppHost::Observers observers() {
    return {.sent = [this](wire::Bytes data) { record_sent(data); },
            .received = [this](const Deliver& d) { record_received(d); },
            .finished = [this] {
              if (results_) results_->flush();
            }};
  }

  void record_sent(wire::Bytes data) {
    auto sequence = read_sequence(data);
    if (!results_ || sequence == 0) return;
    auto to = rt_.node().resolve(app_.remote_hostname, io::now()).value_or(Ilv{});
    results_->datagram(store::DatagramRow{wall_now(), store::Direction::sent, sequence,
                                          static_cast<std::uint32_t>(data.size()), to.locator, to.nid});
  }

  void record_received(const Deliver& d) {
    auto sequence = read_sequence(d.data);
    if (!results_ || sequence == 0) return;
    results_->datagram(store::DatagramRow{wall_now(), store::Direction::received, sequence,
                                          static_cast<std::uint32_t>(d.data.size()), d.arrival, d.source.nid});
  }

  void report_progress() {
    const auto& stats = logic_.stats();
    rt_.print(io::wall_clock_text() + " progress: sent " + std::to_string(stats.sent()) + " received " +
              std::to_string(stats.received()) + " lost " + std::to_string(stats.lost()) + " duplicates " +
              std::to_string(stats.duplicates()) + " longest gap " +
              std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(stats.longest_gap()).count()) +
              " ms");
    progress_timer_.expires_after(seconds_f(app_.progress_interval));
    progress_timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) report_progress();
    });
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
    } else if (auto* c = std::get_if<LinkChanged>(&event)) {
      results_->event({wall_now(), c->up ? "link_up" : "link_down", c->link.to_string()});
    }
  }

  Runtime& rt_;
  const ApplicationConfig& app_;
  ExperimentApp logic_;
  RuntimeAppHost host_;
  boost::asio::steady_timer progress_timer_;
  std::optional<store::ResultsWriter> results_;
};

}  // namespace

std::unique_ptr<Application> attach_experiment(Runtime& runtime) { return std::make_unique<Experiment>(runtime); }

}  // namespace ilnp::apps
