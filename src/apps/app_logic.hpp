// The sans-I/O shape of the prototype's applications (experiment_app,
// heartbeat_app): events and the time in, actions out. Knows no clock, socket,
// event loop or simulator; the hosts (runtime_app_host, sim_apps) perform it.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <variant>

#include "ilnp/core/node/actions.hpp"
#include "ilnp/core/node/node.hpp"
#include "ilnp/core/time.hpp"
#include "ilnp/core/wire/bytes.hpp"

namespace ilnp::apps {

// Send `data` from application.port to application.remote_hostname:remote_port
// now, then answer with AppLogic::on_send_result. `data` stays valid until then.
struct SendToRemote {
  wire::Bytes data;
};
// A line of standard output. A stamped line is printed as "WALL TEXT", WALL
// being the host's wall-clock text (real or virtual) when it prints it.
struct PrintLine {
  std::string text;
  bool stamped{true};
};
// A warning line in the application's log.
struct WarnLine {
  std::string text;
};
// The application has finished: the node's process ends.
struct StopNode {};
using AppAction = std::variant<SendToRemote, PrintLine, WarnLine, StopNode>;

// An application: each entry point takes the host's monotonic time; actions
// wait in order for poll(). While a SendToRemote is unanswered nothing else
// is sent (its result decides what follows).
class AppLogic {
 public:
  virtual ~AppLogic() = default;
  // The node is up (the host has bound application.port). `wall` is the
  // host's wall-clock text now, for messages that carry it.
  virtual void start(Instant now, const std::string& wall) = 0;
  // next_wakeup() has come.
  virtual void on_wakeup(Instant now, const std::string& wall) = 0;
  virtual void on_datagram(Instant now, const Deliver& d) = 0;
  // The result of the last SendToRemote polled.
  virtual void on_send_result(Instant now, SendStatus status) = 0;
  // The node's process ends (by StopNode, a signal or the end of a run): the
  // closing lines.
  virtual void finish(Instant /*now*/) {}
  // When on_wakeup wants to be called; kNever: not at all.
  [[nodiscard]] virtual Instant next_wakeup() const = 0;

  [[nodiscard]] std::optional<AppAction> poll() {
    if (actions_.empty()) return std::nullopt;
    auto next = std::move(actions_.front());
    actions_.pop_front();
    return next;
  }

 protected:
  void push(AppAction action) { actions_.push_back(std::move(action)); }

 private:
  std::deque<AppAction> actions_;
};

// Reports a failed send ("Network Exception: ..." like the prototype) as a
// warning, once per change of problem rather than per datagram.
class SendProblemReporter {
 public:
  // Returns true when the send succeeded; `warn` takes the warning line.
  template <class Warn>
  bool report(Warn&& warn, SendStatus status, const std::string& remote) {
    if (status == SendStatus::sent) {
      last_.clear();
      return true;
    }
    auto problem = "Network Exception: " + std::string(to_string(status)) + " for '" + remote + "'";
    if (problem != last_) warn(problem);
    last_ = std::move(problem);
    return false;
  }

 private:
  std::string last_;
};

}  // namespace ilnp::apps
