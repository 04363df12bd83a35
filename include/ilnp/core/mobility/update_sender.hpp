// The moving node's side of locator updates: one pending update per
// correspondent, sent at once, retransmitted every retry_wait up to `retries`
// times until acknowledged. Owns no paths: the node decides where each goes.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "ilnp/core/time.hpp"
#include "ilnp/core/types.hpp"

namespace ilnp::mobility {

struct PendingUpdate {
  Ilv peer;
  Locator old_via;  // the link the correspondent was reached through before the move
  unsigned sends{0};
  Instant first_sent{};
  Instant next_send{};
};

class UpdateSender {
 public:
  UpdateSender(unsigned retries, Duration retry_wait) : retries_(retries), retry_wait_(retry_wait) {}

  // Replaces any updates still pending (a newer move supersedes them).
  void begin(const std::vector<std::pair<Ilv, Locator>>& peers_and_vias, Instant now);
  // Updates to send now; each is counted as sent and rescheduled.
  [[nodiscard]] std::vector<PendingUpdate> due(Instant now);
  // Updates that used every retry without an ack; removed.
  [[nodiscard]] std::vector<PendingUpdate> given_up(Instant now);
  // The update to `nid` found no path: it does not count as sent; try again at `retry_at`.
  void postpone(Nid nid, Instant retry_at);
  // The correspondent moved (its own update came): an update still pending
  // to it goes to its new locator, now; the earlier sends went where it was.
  // Returns whether one was pending.
  bool relocate(Nid nid, Locator locator, Instant now);
  // A path appeared: updates that never found one are due now. Returns whether there were any.
  bool path_found(Instant now);
  // An ack from `nid`: the round-trip time since the first send, if pending.
  std::optional<Duration> acknowledged(Nid nid, Instant now);

  [[nodiscard]] Instant next_deadline() const;
  [[nodiscard]] const std::map<Nid, PendingUpdate>& pending() const { return pending_; }

 private:
  unsigned retries_;
  Duration retry_wait_;
  std::map<Nid, PendingUpdate> pending_;
};

}  // namespace ilnp::mobility
