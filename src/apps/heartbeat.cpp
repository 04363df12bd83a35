// The heartbeat application. State lives in one object owned by the runtime's
// event loop; its timer re-arms itself every second.
#include <boost/asio/steady_timer.hpp>

#include "applications.hpp"
#include "ilnp/io/clock.hpp"

namespace ilnp::apps {

std::string endpoint_text(const std::string& host, Ilv ilv, std::optional<Locator> via, Port port) {
  return "[" + host + "/" + ilv.to_string() + (via ? "%" + via->to_string() : std::string()) + "]:" +
         std::to_string(port);
}

std::string heartbeat_message(const std::string& wall, const std::string& me) { return wall + " | " + me; }

std::string heartbeat_sent_line(const std::string& wall, const std::string& remote, Ilv remote_ilv, Port remote_port,
                                const std::string& me, Ilv my_ilv, Port my_port, const std::string& message) {
  return wall + " " + endpoint_text(remote, remote_ilv, std::nullopt, remote_port) + " <- " +
         endpoint_text(me, my_ilv, std::nullopt, my_port) + " " + message;
}

std::string heartbeat_received_line(const std::string& wall, const std::string& from, const Deliver& d,
                                    const std::string& me) {
  return wall + " " + endpoint_text(from, d.source, d.arrival, d.source_port) + " -> " +
         endpoint_text(me, d.destination, std::nullopt, d.port) + " " + std::string(wire::as_text(d.data));
}

namespace {

class Heartbeat final : public Application {
 public:
  explicit Heartbeat(Runtime& rt) : rt_(rt), timer_(rt.io()) {}

  void start() {
    const auto& app = rt_.config().application;
    if (app.port && !rt_.driver().bind(*app.port, [this](const Deliver& d) { on_receive(d); }))
      throw std::runtime_error("application.port " + std::to_string(*app.port) + " is already bound");
    tick();
  }

 private:
  void tick() {
    send();
    timer_.expires_after(std::chrono::seconds(1));
    timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) tick();
    });
  }

  void send() {
    const auto& app = rt_.config().application;
    if (app.remote_hostname.empty()) return;
    const auto& me = rt_.config().node.hostname;
    auto message = heartbeat_message(io::wall_clock_text(), me);
    auto status = rt_.driver().send_to_host(app.port.value_or(0), app.remote_hostname, app.remote_port,
                                            wire::as_bytes(message));
    if (!problems_.report(rt_, status, app.remote_hostname)) return;
    auto remote = *rt_.node().resolve(app.remote_hostname, io::now());
    rt_.print(heartbeat_sent_line(io::wall_clock_text(), app.remote_hostname, remote, app.remote_port, me,
                                  Ilv{rt_.node().active_locators().front(), rt_.config().node.nid},
                                  app.port.value_or(0), message));
  }

  void on_receive(const Deliver& d) {
    auto now = io::now();
    auto from = rt_.node().name_of(d.source, now).value_or("?");
    rt_.print(heartbeat_received_line(io::wall_clock_text(), from, d, rt_.config().node.hostname));
  }

  Runtime& rt_;
  boost::asio::steady_timer timer_;
  SendProblemReporter problems_;
};

}  // namespace

std::unique_ptr<Application> attach_heartbeat(Runtime& runtime) {
  auto heartbeat = std::make_unique<Heartbeat>(runtime);
  heartbeat->start();
  return heartbeat;
}

}  // namespace ilnp::apps
