// The throughput experiment's logic, sans I/O: when to send which numbered
// datagram, when to stop, what to print and count. Shared by `ilnp experiment`
// (experiment.cpp, real time) and `ilnp sim` (sim_apps.cpp, virtual time).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "app_logic.hpp"
#include "experiment_stats.hpp"

namespace ilnp::apps {

struct ExperimentSettings {
  std::string remote;                // sends to it; empty: does not send
  bool receives{false};              // application.port is set: counts and waits for the peer's stop
  std::optional<Duration> run_time;  // how long to send (a router: to run)
  Duration wait{};                   // between datagrams
  bool print_datagrams{true};        // a line per datagram sent or received
  // Due datagrams sent per wake-up: a real-time host wakes late and catches
  // up in one go; the simulator wakes exactly on time and sends one.
  std::size_t max_burst{1};
};

// Sends datagram 1, 2, ... every `wait` from the first accepted send (paced
// against that start, not by sleeping), for run_time; then three copies of
// the 8-byte sequence 0 that tell the receiver to stop. A refused send is
// retried 5 ms later; after an outage of more than 100 ms it skips ahead
// instead of sending what it missed. A node that also receives waits up to 2
// s for its peer's stop. A receiver stops on sequence 0; a node that neither
// sends nor receives (a router) stops after run_time.
class ExperimentApp final : public AppLogic {
 public:
  static constexpr Duration kMaxLag = std::chrono::milliseconds(100);
  // The node solicits at once when it has no route; try again soon after.
  static constexpr Duration kRetryRefused = std::chrono::milliseconds(5);
  static constexpr int kStopCopies = 3;
  static constexpr Duration kPeerStopGrace = std::chrono::seconds(2);

  // `payload`: a data datagram's bytes (the first 8 become its sequence number).
  ExperimentApp(ExperimentSettings settings, wire::Buffer payload);

  void start(Instant now, const std::string& wall) override;
  void on_wakeup(Instant now, const std::string& wall) override;
  void on_datagram(Instant now, const Deliver& d) override;
  void on_send_result(Instant now, SendStatus status) override;
  // "Total bytes: N" and the JSON summary; the run lasts from the first
  // datagram sent or received to the last (not to the stop).
  void finish(Instant now) override;
  [[nodiscard]] Instant next_wakeup() const override { return wake_at_; }

  [[nodiscard]] const ExperimentStats& stats() const { return stats_; }

 private:
  void send_due(Instant now);
  void send_next_in_burst(Instant now);
  void send(std::uint64_t sequence);
  void after_stop_sent(Instant now);

  ExperimentSettings settings_;
  wire::Buffer payload_;
  Instant wake_at_{kNever};
  std::uint64_t next_sequence_{1};
  Instant next_due_{};
  std::size_t burst_left_{0};
  std::optional<std::uint64_t> in_flight_;  // the sequence awaiting on_send_result
  int stop_copies_sent_{0};
  std::optional<Instant> started_;          // first datagram sent or received
  std::optional<Instant> sending_started_;  // paces sending from the first send
  std::optional<Instant> last_activity_;
  ExperimentStats stats_;
  SendProblemReporter problems_;
  bool sending_done_{false};
  bool peer_stopped_{false};
  bool stop_when_woken_{false};  // a router's run_time or the grace for the peer's stop
};

}  // namespace ilnp::apps
