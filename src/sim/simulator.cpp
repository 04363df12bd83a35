// The simulator performs the same actions as io/node_driver, on segments
// instead of sockets: a Transmit reaches every other node joined to the
// locator after the link delay, unless the seeded loss draws it.
#include "ilnp/sim/simulator.hpp"

#include <algorithm>

namespace ilnp::sim {

namespace {
// A datagram stays in flight after its input is gone: a forwarded view becomes a copy.
Transmit copy_of(const Forward& f) {
  Transmit t{f.link, wire::Buffer(f.datagram.begin(), f.datagram.end())};
  t.bytes[wire::kHopLimitOffset] = static_cast<std::byte>(f.hop_limit);
  return t;
}
}  // namespace

Simulator::Simulator(std::uint64_t seed, LinkModel model) : model_(model), rng_(seed) {}

std::size_t Simulator::add_node(NodeConfig config, Logger logger) {
  auto seed = rng_.next();
  nodes_.push_back(SimNode{std::make_unique<Node>(std::move(config), seed, std::move(logger)), {}, {}});
  auto index = nodes_.size() - 1;
  nodes_[index].node->start(now_);
  drain(index);
  return index;
}

void Simulator::record(std::size_t from, Locator link, const wire::Buffer& bytes) {
  auto mix = [this](std::uint64_t v) { trace_hash_ = (trace_hash_ ^ v) * 0x100000001b3ULL; };
  mix(static_cast<std::uint64_t>(now_.time_since_epoch().count()));
  mix(from);
  mix(link.value);
  for (auto b : bytes) mix(std::to_integer<std::uint8_t>(b));
  ++transmissions_;
}

void Simulator::drain(std::size_t index) {
  auto& self = nodes_[index];
  while (auto action = self.node->poll_action()) {
    if (auto* f = std::get_if<Forward>(&*action)) *action = copy_of(*f);
    if (auto* t = std::get_if<Transmit>(&*action)) {
      record(index, t->link, t->bytes);
      auto bytes = std::make_shared<const wire::Buffer>(std::move(t->bytes));
      for (std::size_t to = 0; to < nodes_.size(); ++to) {
        if (to == index || !nodes_[to].joined.contains(t->link)) continue;
        if (model_.loss > 0 && rng_.uniform(0, 1) < model_.loss) continue;
        arrivals_.push(Arrival{now_ + model_.delay, sequence_++, to, t->link, bytes});
      }
    } else if (auto* j = std::get_if<Join>(&*action)) {
      self.joined.insert(j->link);
    } else if (auto* l = std::get_if<Leave>(&*action)) {
      self.joined.erase(l->link);
    } else if (auto* d = std::get_if<Deliver>(&*action)) {
      self.delivered.push_back(std::move(*d));
    }
  }
}

void Simulator::run_until(Instant until) {
  for (;;) {
    Instant next_timer = kNever;
    std::size_t timer_owner = 0;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      auto t = nodes_[i].node->next_timeout();
      if (t < next_timer) next_timer = t, timer_owner = i;
    }
    Instant next_arrival = arrivals_.empty() ? kNever : arrivals_.top().at;
    auto next = std::min(next_timer, next_arrival);
    if (next > until) break;
    now_ = std::max(now_, next);
    if (next_arrival <= next_timer) {
      auto a = arrivals_.top();
      arrivals_.pop();
      // A node that left the group while the datagram was in flight misses it.
      if (!nodes_[a.to].joined.contains(a.link)) continue;
      nodes_[a.to].node->handle_datagram(now_, a.link, *a.bytes);
      drain(a.to);
    } else {
      nodes_[timer_owner].node->handle_timeout(now_);
      drain(timer_owner);
    }
  }
  now_ = std::max(now_, until);
}

SendStatus Simulator::send_to_host(std::size_t from, Port source_port, const std::string& host, Port port,
                                   wire::Bytes data) {
  auto status = nodes_.at(from).node->send_to_host(now_, source_port, host, port, data);
  drain(from);
  return status;
}

}  // namespace ilnp::sim
