// When to send the next solicitation: every uniform(wait/2, wait), skipped
// while another node's solicitation was heard within the last `wait`.
#pragma once

#include <optional>

#include "ilnp/core/rng.hpp"
#include "ilnp/core/time.hpp"

namespace ilnp::discovery {

class SolicitSchedule {
 public:
  explicit SolicitSchedule(Duration wait_time) : wait_(wait_time) {}

  void start(Instant now) { next_ = now; }
  void heard_solicitation(Instant now) { last_heard_ = now; }
  // Called when next_due() has passed; true when a solicitation should go out.
  [[nodiscard]] bool on_solicit_due(Instant now, Rng& rng) {
    bool send = urgent_ || !last_heard_ || now - *last_heard_ > wait_;
    urgent_ = false;
    auto half = to_seconds(wait_) / 2;
    next_ = now + seconds_f(rng.uniform(half, 2 * half));
    return send;
  }
  // Ask now, out of schedule (a sender with no route must not wait).
  void solicit_soon(Instant now) {
    next_ = std::min(next_, now);
    urgent_ = true;
  }
  [[nodiscard]] Instant next_due() const { return next_; }

 private:
  Duration wait_;
  std::optional<Instant> last_heard_;
  Instant next_{kNever};
  bool urgent_{false};
};

}  // namespace ilnp::discovery
