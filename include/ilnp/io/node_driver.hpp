// Drives a core Node in real time: feeds it datagrams and timeouts from Asio,
// performs the actions it returns, and re-arms one timer. The same loop as the
// simulator's, with sockets instead of simulated segments.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "ilnp/core/node/node.hpp"
#include "ilnp/io/link.hpp"
#include "ilnp/io/pcap_trace.hpp"

namespace ilnp::io {

class NodeDriver {
 public:
  using DeliverHandler = std::function<void(const Deliver&)>;

  // Each locator goes to the first of `links` that serves it (so a link that
  // serves every locator comes last); none may be null. `logger` receives
  // the link layer's events (locators joined and left).
  NodeDriver(boost::asio::io_context& io, Node& node, std::vector<Link*> links, Logger logger = {});

  void start();
  // Binds a transport port; datagrams for it go to `handler`.
  bool bind(Port port, DeliverHandler handler);
  // The node's notices (names learned, moves, ...) go here, if set.
  void set_notice_handler(std::function<void(const Event&)> handler) { notices_ = std::move(handler); }
  // Datagrams for ports bound directly on the node (e.g. by the proxy) go here.
  void set_fallback_handler(DeliverHandler handler) { fallback_ = std::move(handler); }
  // IP packets for the TUN (DeliverIp) go here, if set.
  void set_ip_handler(std::function<void(const DeliverIp&)> handler) { ip_ = std::move(handler); }
  // Every datagram received or sent on a link is also recorded here, if set.
  void set_trace(PcapTrace* trace) { trace_ = trace; }
  // Runs `input` on the node at the current time, then performs its actions.
  template <class Input>
  auto with_node(Input&& input) {
    auto result = input(node_, now_instant());
    drain_actions();
    return result;
  }
  SendStatus send_to_host(Port source_port, const std::string& hostname, Port destination_port, wire::Bytes data);
  SendStatus send_to(Port source_port, Ilv destination, Port destination_port, wire::Bytes data);
  void move_to(std::vector<Locator> locators);
  void link_changed(Locator locator, bool up);

  [[nodiscard]] Node& node() { return node_; }
  // Some link has datagrams queued; `ready` runs once all are drained.
  [[nodiscard]] bool backlogged() const;
  void when_writable(std::function<void()> ready);

 private:
  void drain_actions();
  void rearm_timer();
  // The first link that serves `locator`, or null (no link serves it: dropped).
  [[nodiscard]] Link* link_for(Locator locator) const;
  [[nodiscard]] static Instant now_instant();

  boost::asio::io_context& io_;
  Node& node_;
  std::vector<Link*> links_;
  Logger log_;
  boost::asio::steady_timer timer_;
  Instant armed_for_{kNever};
  std::map<Port, DeliverHandler> handlers_;
  DeliverHandler fallback_;
  std::function<void(const Event&)> notices_;
  std::function<void(const DeliverIp&)> ip_;
  PcapTrace* trace_{nullptr};
};

}  // namespace ilnp::io
