// One input (or one received batch), then drain every action, flush the
// link's sends in one system call, and re-arm the timer only if the node's
// deadline moved.
#include "ilnp/io/node_driver.hpp"

#include "ilnp/core/overloaded.hpp"
#include "ilnp/io/clock.hpp"

namespace ilnp::io {

NodeDriver::NodeDriver(boost::asio::io_context& io, Node& node, MulticastLink& link, Logger logger, HubLink* hub)
    : io_(io), node_(node), link_(link), hub_(hub), log_(std::move(logger)), timer_(io) {}

void NodeDriver::start() {
  auto receive = [this](Locator arrival, wire::Bytes datagram) {
    if (trace_) trace_->record(arrival, datagram);
    node_.handle_datagram(now(), arrival, datagram);
  };
  link_.start(receive, [this] { drain_actions(); });
  if (hub_) hub_->start(receive, [this] { drain_actions(); });
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

void NodeDriver::drain_actions() {
  while (auto action = node_.poll_action()) {
    std::visit(Overloaded{
                   [this](const Transmit& t) {
                     if (trace_) trace_->record(t.link, t.bytes);
                     if (hub_ && hub_->serves(t.link)) return hub_->send(t.link, t.bytes);
                     link_.send(t.link, t.bytes);
                   },
                   // A view of a receive buffer, still valid: the batch is not done.
                   [this](const Forward& f) {
                     if (trace_) trace_->record(f.link, f.datagram, f.hop_limit);
                     if (hub_ && hub_->serves(f.link)) return hub_->forward(f.link, f.datagram, f.hop_limit);
                     link_.forward(f.link, f.datagram, f.hop_limit);
                   },
                   [this](const Join& j) {
                     if (hub_ && hub_->serves(j.link)) {
                       hub_->join(j.link);
                       return log_.log(Layer::link, Level::info, [&] {
                         return "joined locator " + j.link.to_string() + " through " + hub_->hub_text(j.link);
                       });
                     }
                     // Not joined yet: the link retries and reports its state itself.
                     if (link_.join(j.link))
                       log_.log(Layer::link, Level::info, [&] { return "joined group " + link_.group_text(j.link); });
                   },
                   [this](const Leave& l) {
                     if (hub_ && hub_->serves(l.link)) {
                       hub_->leave(l.link);
                       return log_.log(Layer::link, Level::info, [&] {
                         return "left locator " + l.link.to_string() + " at " + hub_->hub_text(l.link);
                       });
                     }
                     link_.leave(l.link);
                     log_.log(Layer::link, Level::info, [&] { return "left group " + link_.group_text(l.link); });
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
  link_.flush();
  rearm_timer();
}

bool NodeDriver::backlogged() const { return link_.backlogged() || (hub_ && hub_->backlogged()); }

void NodeDriver::when_writable(std::function<void()> ready) {
  if (!hub_ || !hub_->backlogged()) return link_.when_writable(std::move(ready));
  hub_->when_writable([this, ready = std::move(ready)]() mutable { when_writable(std::move(ready)); });
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
