// A host for the sans-I/O applications in unit tests: performs their actions
// into vectors, answers sends as told, and wakes them at their next wake-up.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app_logic.hpp"
#include "experiment_stats.hpp"

namespace ilnp::apps::test {

struct AppRun {
  struct Sent {
    Instant at;
    std::uint64_t sequence;
    std::size_t size;
    std::string text;
  };

  explicit AppRun(AppLogic& logic) : app(logic) {}

  void start(Instant now) {
    app.start(now, "W");
    drain(now);
  }
  // Performs the queued actions at `now` (wall-clock text "W").
  void drain(Instant now) {
    while (auto next = app.poll()) {
      auto& action = *next;
      if (auto* s = std::get_if<SendToRemote>(&action)) {
        sends.push_back({now, read_sequence(s->data), s->data.size(), std::string(wire::as_text(s->data))});
        app.on_send_result(now, refuse > 0 ? SendStatus::no_route : SendStatus::sent);
        if (refuse > 0) --refuse;
      } else if (auto* p = std::get_if<PrintLine>(&action)) {
        lines.push_back(p->stamped ? "W " + p->text : p->text);
      } else if (auto* w = std::get_if<WarnLine>(&action)) {
        warnings.push_back(w->text);
      } else if (!stopped_at) {
        stopped_at = now;
      }
    }
  }
  void wake(Instant now) {
    app.on_wakeup(now, "W");
    drain(now);
  }
  void deliver(Instant now, const Deliver& d) {
    app.on_datagram(now, d);
    drain(now);
  }
  // Wakes the application exactly when it asks to, as the simulator does.
  void run_until(Instant end) {
    while (!stopped_at && app.next_wakeup() <= end) wake(app.next_wakeup());
  }

  AppLogic& app;
  int refuse{0};  // how many sends to refuse (no route) before accepting
  std::vector<Sent> sends;
  std::vector<std::string> lines;
  std::vector<std::string> warnings;
  std::optional<Instant> stopped_at;
};

}  // namespace ilnp::apps::test
