// The sent line shows the ILVs the node used: the remote as resolved and the
// first active locator, as the prototype printed them.
#include "heartbeat_app.hpp"

namespace ilnp::apps {

HeartbeatApp::HeartbeatApp(HeartbeatSettings settings, const Node& node)
    : settings_(std::move(settings)), node_(node) {}

void HeartbeatApp::start(Instant now, const std::string& wall) {
  if (settings_.remote.empty()) return;  // only receives
  wake_at_ = now;
  on_wakeup(now, wall);
}

void HeartbeatApp::on_wakeup(Instant now, const std::string& wall) {
  if (now < wake_at_ || !in_flight_.empty()) return;  // early, or a send still awaits its result
  wake_at_ = now + kInterval;
  in_flight_ = heartbeat_message(wall, settings_.me);
  push(SendToRemote{wire::as_bytes(in_flight_)});
}

void HeartbeatApp::on_send_result(Instant now, SendStatus status) {
  auto message = std::move(in_flight_);
  in_flight_.clear();
  if (message.empty()) return;
  if (!problems_.report([this](const std::string& p) { push(WarnLine{p}); }, status, settings_.remote)) return;
  auto remote = node_.resolve(settings_.remote, now).value_or(Ilv{});
  const auto& locators = node_.active_locators();
  Ilv me{locators.empty() ? Locator{} : locators.front(), node_.config().nid};
  push(PrintLine{heartbeat_sent_line(settings_.remote, remote, settings_.remote_port, settings_.me, me,
                                     settings_.port, message)});
}

void HeartbeatApp::on_datagram(Instant now, const Deliver& d) {
  auto from = node_.name_of(d.source, now).value_or("?");
  push(PrintLine{heartbeat_received_line(from, d, settings_.me)});
}

std::string endpoint_text(const std::string& host, Ilv ilv, std::optional<Locator> via, Port port) {
  return "[" + host + "/" + ilv.to_string() + (via ? "%" + via->to_string() : std::string()) + "]:" +
         std::to_string(port);
}

std::string heartbeat_message(const std::string& wall, const std::string& me) { return wall + " | " + me; }

std::string heartbeat_sent_line(const std::string& remote, Ilv remote_ilv, Port remote_port, const std::string& me,
                                Ilv my_ilv, Port my_port, const std::string& message) {
  return endpoint_text(remote, remote_ilv, std::nullopt, remote_port) + " <- " +
         endpoint_text(me, my_ilv, std::nullopt, my_port) + " " + message;
}

std::string heartbeat_received_line(const std::string& from, const Deliver& d, const std::string& me) {
  return endpoint_text(from, d.source, d.arrival, d.source_port) + " -> " +
         endpoint_text(me, d.destination, std::nullopt, d.port) + " " + std::string(wire::as_text(d.data));
}

}  // namespace ilnp::apps
