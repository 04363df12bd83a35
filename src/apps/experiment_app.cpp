// Sending is a small state machine because each send's result decides what
// follows: the next datagram of the burst, a retry, or the next stop copy.
#include "experiment_app.hpp"

#include <stdexcept>

namespace ilnp::apps {

namespace {
constexpr std::size_t kStopSize = 8;  // sequence 0 alone
}

ExperimentApp::ExperimentApp(ExperimentSettings settings, wire::Buffer payload)
    : settings_(std::move(settings)), payload_(std::move(payload)) {
  if (payload_.size() < kStopSize) throw std::invalid_argument("experiment datagrams need at least 8 bytes");
}

void ExperimentApp::start(Instant now, const std::string& /*wall*/) {
  if (!settings_.remote.empty()) return send_due(now);
  if (!settings_.receives && settings_.run_time) {  // a router: just run for run_time
    stop_when_woken_ = true;
    wake_at_ = now + *settings_.run_time;
  }
}

void ExperimentApp::on_wakeup(Instant now, const std::string& /*wall*/) {
  if (now < wake_at_ || in_flight_) return;  // early, or a send still awaits its result
  wake_at_ = kNever;
  if (stop_when_woken_) return push(StopNode{});
  send_due(now);
}

void ExperimentApp::send_due(Instant now) {
  if (sending_started_ && settings_.run_time && now - *sending_started_ >= *settings_.run_time) return send(0);
  burst_left_ = settings_.max_burst;
  send_next_in_burst(now);
}

void ExperimentApp::send_next_in_burst(Instant now) {
  if (burst_left_ > 0 && next_due_ <= now) return send(next_sequence_);
  // After an outage, skip ahead instead of sending everything missed.
  if (now - next_due_ > kMaxLag) next_due_ = now;
  wake_at_ = next_due_;
}

void ExperimentApp::send(std::uint64_t sequence) {
  write_sequence(payload_, sequence);
  in_flight_ = sequence;
  push(SendToRemote{wire::Bytes(payload_.data(), sequence == 0 ? kStopSize : payload_.size())});
}

void ExperimentApp::on_send_result(Instant now, SendStatus status) {
  if (!in_flight_) return;
  auto sequence = *in_flight_;
  in_flight_.reset();
  auto size = sequence == 0 ? kStopSize : payload_.size();
  bool sent = problems_.report([this](const std::string& p) { push(WarnLine{p}); }, status, settings_.remote);
  if (sent) {
    if (sequence != 0) stats_.on_sent(size);
    if (settings_.print_datagrams) push(PrintLine{sent_line(settings_.remote, size, sequence)});
  }
  if (sequence == 0) {
    // Sequence 0 tells the receiver to stop; a few copies survive a lossy link.
    if (++stop_copies_sent_ < kStopCopies) return send(0);
    return after_stop_sent(now);
  }
  if (!sent) {
    wake_at_ = now + kRetryRefused;
    return;
  }
  if (!sending_started_) sending_started_ = next_due_ = now;
  if (!started_) started_ = now;
  ++next_sequence_;
  next_due_ += settings_.wait;
  --burst_left_;
  send_next_in_burst(now);
}

void ExperimentApp::after_stop_sent(Instant now) {
  sending_done_ = true;
  last_activity_ = now;
  if (!settings_.receives || peer_stopped_) return push(StopNode{});
  stop_when_woken_ = true;
  wake_at_ = now + kPeerStopGrace;
}

void ExperimentApp::on_datagram(Instant now, const Deliver& d) {
  if (!started_) started_ = now;
  auto sequence = read_sequence(d.data);
  if (settings_.print_datagrams)
    push(PrintLine{received_line(d.source, d.arrival, d.data.size(), sequence)});
  if (sequence == 0) {
    if (d.data.size() != kStopSize) return;
    peer_stopped_ = true;
    if (settings_.remote.empty() || sending_done_) push(StopNode{});
    return;
  }
  stats_.on_received(sequence, d.data.size(), now);
  if (!sending_done_) last_activity_ = now;
}

void ExperimentApp::finish(Instant now) {
  auto end = last_activity_.value_or(now);
  double duration = started_ ? to_seconds(end - *started_) : 0.0;
  for (auto& line : closing_lines(stats_, duration)) push(PrintLine{std::move(line), false});
}

}  // namespace ilnp::apps
