// One input (or one received batch), then drain every action, flush each
// link's sends (one system call for a batching link), and re-arm the timer
// only if the node's deadline moved.
#include "ilnp/io/node_driver.hpp"

#include <algorithm>

#include "ilnp/core/overloaded.hpp"
#include "ilnp/io/clock.hpp"

namespace ilnp::io {

NodeDriver::NodeDriver(boost::asio::io_context& io, Node& node, std::vector<Link*> links, Logger logger)
    : io_(io), node_(node), links_(std::move(links)), log_(std::move(logger)), timer_(io) {}

Link* NodeDriver::link_for(Locator locator) const {
  for (auto* link : links_)
    if (link->serves(locator)) return link;
  return nullptr;
}

void NodeDriver::start() {
  auto receive = [this](Locator arrival, wire::Bytes datagram) {
    if (trace_) trace_->record(arrival, datagram);
    node_.handle_datagram(now(), arrival, datagram);
  };
  for (auto* link : links_) link->start(receive, [this] { drain_actions(); });
  node_.start(now());
  drain_actions();
}

bool NodeDriver::bind(Port port, DeliverHandler handler) {
  if (!node_.bind(port)) return false;
  handlers_[port] = std::move(handler);
  return true;
}

SendStatus NodeDriver::send_to_host(Port source_port, const std::string& hostname, Port destination_port,
                                    wire::Bytes data) {
  auto status = node_.send_to_host(now(), source_port, hostname, destination_port, data);
  drain_actions();
  return status;
}

SendStatus NodeDriver::send_to(Port source_port, Ilv destination, Port destination_port, wire::Bytes data) {
  auto status = node_.send_to(now(), source_port, destination, destination_port, data);
  drain_actions();
  return status;
}

Instant NodeDriver::now_instant() { return now(); }

void NodeDriver::move_to(std::vector<Locator> locators) {
  node_.move_to(now(), std::move(locators));
  drain_actions();
}

void NodeDriver::link_changed(Locator locator, bool up) {
  node_.link_changed(now(), locator, up);
  drain_actions();
}

void NodeDriver::drain_actions() {
  while (auto action = node_.poll_action()) {
    std::visit(Overloaded{
                   [this](const Transmit& t) {
                     if (trace_) trace_->record(t.link, t.bytes);
                     if (auto* link = link_for(t.link)) link->send(t.link, t.bytes);
                   },
                   // A view of a receive buffer, still valid: the batch is not done.
                   [this](const Forward& f) {
                     if (trace_) trace_->record(f.link, f.datagram, f.hop_limit);
                     if (auto* link = link_for(f.link)) link->forward(f.link, f.datagram, f.hop_limit);
                   },
                   [this](const Join& j) {
                     auto* link = link_for(j.link);
                     // Not joined yet: the link retries and reports its state itself.
                     if (link && link->join(j.link))
                       log_.log(Layer::link, Level::info, [&] { return "joined " + link->describe(j.link); });
                   },
                   [this](const Leave& l) {
                     auto* link = link_for(l.link);
                     if (!link) return;
                     link->leave(l.link);
                     log_.log(Layer::link, Level::info, [&] { return "left " + link->describe(l.link); });
                   },
                   [this](const Notice& n) {
                     if (notices_) notices_(n.event);
                   },
                   [this](const DeliverIp& d) {
                     if (ip_) ip_(d);
                   },
                   [this](const Deliver& d) {
                     if (auto h = handlers_.find(d.port); h != handlers_.end()) return h->second(d);
                     if (fallback_) fallback_(d);
                   },
               },
               *action);
  }
  for (auto* link : links_) link->flush();
  rearm_timer();
}

bool NodeDriver::backlogged() const {
  return std::any_of(links_.begin(), links_.end(), [](const Link* link) { return link->backlogged(); });
}

void NodeDriver::when_writable(std::function<void()> ready) {
  auto busy = std::find_if(links_.begin(), links_.end(), [](const Link* link) { return link->backlogged(); });
  if (busy == links_.end()) return ready();
  // Once this one drains, look again: another may have filled meanwhile.
  (*busy)->when_writable([this, ready = std::move(ready)]() mutable { when_writable(std::move(ready)); });
}

void NodeDriver::rearm_timer() {
  auto deadline = node_.next_timeout();
  if (deadline == armed_for_) return;
  armed_for_ = deadline;
  if (deadline == kNever) {
    timer_.cancel();
    return;
  }
  auto delay = deadline - now();
  timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::max(delay, Duration{0})));
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;  // re-armed or cancelled
    armed_for_ = kNever;
    node_.handle_timeout(now());
    drain_actions();
  });
}

}  // namespace ilnp::io
