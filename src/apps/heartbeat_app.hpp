// The heartbeat's logic, sans I/O: a message a second to the remote and a
// line per message sent or received. Shared by `ilnp heartbeat`
// (heartbeat.cpp, real time) and `ilnp sim` (sim_apps.cpp, virtual time).
#pragma once

#include <string>

#include "app_logic.hpp"

namespace ilnp::apps {

struct HeartbeatSettings {
  std::string me;      // this node's hostname
  Port port{0};        // application.port (0: none)
  std::string remote;  // sends to it; empty: only receives
  Port remote_port{0};
};

// Sends "WALL | ME" at start and every second after; a refused send is
// reported (once per change of problem) and the next one tried a second
// later. Reads names and locators from `node`, which must outlive it.
class HeartbeatApp final : public AppLogic {
 public:
  static constexpr Duration kInterval = std::chrono::seconds(1);

  HeartbeatApp(HeartbeatSettings settings, const Node& node);

  void start(Instant now, const std::string& wall) override;
  void on_wakeup(Instant now, const std::string& wall) override;
  void on_datagram(Instant now, const Deliver& d) override;
  void on_send_result(Instant now, SendStatus status) override;
  [[nodiscard]] Instant next_wakeup() const override { return wake_at_; }

 private:
  HeartbeatSettings settings_;
  const Node& node_;
  Instant wake_at_{kNever};
  std::string in_flight_;  // the message awaiting on_send_result
  SendProblemReporter problems_;
};

// "[host/loc:nid%via]:port" as the prototype prints endpoints.
[[nodiscard]] std::string endpoint_text(const std::string& host, Ilv ilv, std::optional<Locator> via, Port port);
// The message "WALL | HOST"; after their wall-clock stamp, the line per
// message sent "[remote...]:port <- [me...]:port MESSAGE" and received
// "[from...%arrival]:port -> [me...]:port MESSAGE".
[[nodiscard]] std::string heartbeat_message(const std::string& wall, const std::string& me);
[[nodiscard]] std::string heartbeat_sent_line(const std::string& remote, Ilv remote_ilv, Port remote_port,
                                              const std::string& me, Ilv my_ilv, Port my_port,
                                              const std::string& message);
[[nodiscard]] std::string heartbeat_received_line(const std::string& from, const Deliver& d, const std::string& me);

}  // namespace ilnp::apps
