// The prototype's applications, run on a Runtime: heartbeat and experiment.
#pragma once

#include "runtime.hpp"

namespace ilnp::apps {

// An application attached to a runtime; destroying it detaches it.
struct Application {
  virtual ~Application() = default;
};

// Once a second sends "<timestamp> | <hostname>" to the remote (if any) and
// prints a line per message sent or received.
[[nodiscard]] std::unique_ptr<Application> attach_heartbeat(Runtime& runtime);

// Sends numbered 1396-byte datagrams every wait_time for run_time, then
// sequence 0; a receiver counts them. Prints one JSON summary as its last line.
// Stops the runtime when it is done.
[[nodiscard]] std::unique_ptr<Application> attach_experiment(Runtime& runtime);

// Reports a failed send ("Network Exception: ..." like the prototype) as a
// warning in the log, once per change of problem rather than per datagram.
class SendProblemReporter {
 public:
  // Returns true when the send succeeded; `warn` writes a warning line.
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
  bool report(Runtime& runtime, SendStatus status, const std::string& remote) {
    return report([&](const std::string& p) { runtime.log(Layer::application, Level::warn, p); }, status, remote);
  }

 private:
  std::string last_;
};

// "[host/loc:nid%via]:port" as the prototype prints endpoints.
[[nodiscard]] std::string endpoint_text(const std::string& host, Ilv ilv, std::optional<Locator> via, Port port);

// The heartbeat's lines (shared with `ilnp sim`): its message "WALL | HOST",
// and "WALL [remote...]:port <- [me...]:port MESSAGE" per message sent,
// "WALL [from...%arrival]:port -> [me...]:port MESSAGE" per message received.
[[nodiscard]] std::string heartbeat_message(const std::string& wall, const std::string& me);
[[nodiscard]] std::string heartbeat_sent_line(const std::string& wall, const std::string& remote, Ilv remote_ilv,
                                              Port remote_port, const std::string& me, Ilv my_ilv, Port my_port,
                                              const std::string& message);
[[nodiscard]] std::string heartbeat_received_line(const std::string& wall, const std::string& from, const Deliver& d,
                                                  const std::string& me);

}  // namespace ilnp::apps
