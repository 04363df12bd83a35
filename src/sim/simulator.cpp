// The simulator performs the same actions as io/node_driver, on segments
// and relay hubs instead of sockets: a Transmit reaches every other node
// joined to the locator after the sender's out conditions, the segment and
// the receiver's in conditions, unless a seeded loss draw takes it; on a
// hub's locator it goes to the hub relay, which models its own paths.
#include "ilnp/sim/simulator.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

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

std::size_t Simulator::add_node(NodeConfig config, Logger logger, std::optional<security::Identity> identity) {
  auto seed = rng_.next();
  SimNode n;
  n.node = std::make_unique<Node>(std::move(config), seed, std::move(logger), std::move(identity));
  nodes_.push_back(std::move(n));
  auto index = nodes_.size() - 1;
  nodes_[index].node->start(now_);
  drain(index);
  return index;
}

HubRelay& Simulator::add_hub(std::vector<Locator> locators, HubModel model) {
  relays_.push_back(std::make_unique<HubRelay>(std::move(locators), std::move(model), rng_.next()));
  return *relays_.back();
}

HubRelay* Simulator::relay_for(Locator link) const {
  for (const auto& relay : relays_)
    if (relay->serves(link)) return relay.get();
  return nullptr;
}

Instant Simulator::next_relay_event(HubRelay** relay) const {
  Instant next = kNever;
  for (const auto& r : relays_)
    if (auto at = r->next_event(); at < next) {
      next = at;
      *relay = r.get();
    }
  return next;
}

void Simulator::record(std::size_t from, Locator link, const wire::Buffer& bytes) {
  auto mix = [this](std::uint64_t v) { trace_hash_ = (trace_hash_ ^ v) * 0x100000001b3ULL; };
  mix(static_cast<std::uint64_t>(now_.time_since_epoch().count()));
  mix(from);
  mix(link.value);
  for (auto b : bytes) mix(std::to_integer<std::uint8_t>(b));
  ++transmissions_;
}

std::optional<Duration> Simulator::pass(const LinkConditions& c, Instant& busy_until, std::size_t bytes) {
  if (c.loss > 0 && rng_.uniform(0, 1) < c.loss) return std::nullopt;
  Duration wait{0};
  if (c.rate_bps > 0) {
    auto serialise = std::chrono::duration_cast<Duration>(
        std::chrono::duration<double>(static_cast<double>(bytes) * 8.0 / static_cast<double>(c.rate_bps)));
    auto start = std::max(now_, busy_until);
    if (start - now_ > serialise * static_cast<std::int64_t>(LinkConditions::kQueueLimit)) {
      ++counters_.queue_drops;
      return std::nullopt;
    }
    busy_until = start + serialise;
    wait = busy_until - now_;
  }
  auto delay = c.delay;
  if (c.jitter > Duration{0}) {
    // Box-Muller: netem's "distribution normal" with sigma = jitter.
    double u1 = std::max(rng_.uniform(0, 1), 1e-300), u2 = rng_.uniform(0, 1);
    double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    delay += std::chrono::duration_cast<Duration>(std::chrono::duration<double>(z * to_seconds(c.jitter)));
  }
  return wait + std::max(delay, Duration{0});
}

void Simulator::transmit(std::size_t from, Transmit t) {
  auto& sender = nodes_[from];
  if (auto* relay = relay_for(t.link)) {
    record(from, t.link, t.bytes);
    if (transmit_observer_) transmit_observer_(now_, from, t.link, t.bytes);
    return relay->send(now_, from, t.link, t.bytes);
  }
  record(from, t.link, t.bytes);
  if (sender.links_down.contains(t.link)) {
    ++counters_.link_down;
    return;
  }
  auto out = pass(sender.link.out, sender.out_free, t.bytes.size());
  if (!out) {
    ++counters_.lost_out;
    return;
  }
  if (transmit_observer_) transmit_observer_(now_, from, t.link, t.bytes);
  auto bytes = std::make_shared<const wire::Buffer>(std::move(t.bytes));
  for (std::size_t to = 0; to < nodes_.size(); ++to) {
    auto& receiver = nodes_[to];
    if (to == from || !receiver.joined.contains(t.link)) continue;
    if (model_.loss > 0 && rng_.uniform(0, 1) < model_.loss) {
      ++counters_.lost_in;
      continue;
    }
    auto in = pass(receiver.link.in, receiver.in_free, bytes->size());
    if (!in) {
      ++counters_.lost_in;
      continue;
    }
    arrivals_.push(Arrival{now_ + *out + model_.delay + *in, sequence_++, to, t.link, bytes});
  }
}

void Simulator::drain(std::size_t index) {
  auto& self = nodes_[index];
  while (auto action = self.node->poll_action()) {
    if (self.stopped) continue;  // a stopped process performs nothing
    if (auto* f = std::get_if<Forward>(&*action)) *action = copy_of(*f);
    if (auto* t = std::get_if<Transmit>(&*action)) {
      transmit(index, std::move(*t));
    } else if (auto* j = std::get_if<Join>(&*action)) {
      if (auto* relay = relay_for(j->link)) {
        const auto& id = self.node->identity();
        relay->join(now_, index, self.node->config().nid, id ? &*id : nullptr, j->link);
      }
      self.joined.insert(j->link);
    } else if (auto* l = std::get_if<Leave>(&*action)) {
      if (auto* relay = relay_for(l->link)) relay->leave(now_, index, l->link);
      self.joined.erase(l->link);
    } else if (auto* d = std::get_if<Deliver>(&*action)) {
      if (self.deliver) {
        self.deliver(*d);
      } else {
        self.delivered.push_back(std::move(*d));
      }
    } else if (auto* n = std::get_if<Notice>(&*action)) {
      if (self.notice) self.notice(n->event);
    } else if (auto* ip = std::get_if<DeliverIp>(&*action)) {
      if (self.ip) self.ip(ip->packet);
    }
  }
  requeue_timer(index);
}

void Simulator::requeue_timer(std::size_t index) {
  auto& n = nodes_[index];
  auto deadline = n.stopped ? kNever : n.node->next_timeout();
  if (deadline == n.timer) return;
  n.timer = deadline;
  if (deadline != kNever) timers_.push(Timer{deadline, index});
}

void Simulator::schedule(Instant at, std::function<void()> fn) {
  calls_.push(Call{std::max(at, now_), sequence_++, std::move(fn)});
}

void Simulator::stop_node(std::size_t index) {
  auto& n = nodes_.at(index);
  n.stopped = true;
  n.joined.clear();
  for (auto& relay : relays_) relay->stop(index);
  n.timer = kNever;
}

void Simulator::run_until(Instant until) {
  // The caller may have called a node directly (bind, send_to) since the last run.
  for (std::size_t i = 0; i < nodes_.size(); ++i) requeue_timer(i);
  for (;;) {
    while (!timers_.empty() && timers_.top().at != nodes_[timers_.top().index].timer) timers_.pop();
    Instant next_timer = timers_.empty() ? kNever : timers_.top().at;
    Instant next_arrival = arrivals_.empty() ? kNever : arrivals_.top().at;
    Instant next_call = calls_.empty() ? kNever : calls_.top().at;
    HubRelay* relay = nullptr;
    Instant next_relay = next_relay_event(&relay);
    auto next = std::min({next_timer, next_arrival, next_call, next_relay});
    if (next > until) break;
    now_ = std::max(now_, next);
    if (next_arrival == next) {
      auto a = arrivals_.top();
      arrivals_.pop();
      if (nodes_[a.to].links_down.contains(a.link)) {
        ++counters_.link_down;
        continue;
      }
      // A node that left the group while the datagram was in flight misses it.
      if (!nodes_[a.to].joined.contains(a.link)) {
        ++counters_.missed_left;
        continue;
      }
      nodes_[a.to].node->handle_datagram(now_, a.link, *a.bytes);
      drain(a.to);
    } else if (next_relay == next) {
      auto arrival = relay->step(now_);
      if (!arrival || nodes_[arrival->node].stopped) continue;
      nodes_[arrival->node].node->handle_datagram(now_, arrival->link, arrival->datagram);
      drain(arrival->node);
    } else if (next_call == next) {
      auto fn = std::move(const_cast<Call&>(calls_.top()).fn);
      calls_.pop();
      fn();
    } else {
      auto index = timers_.top().index;
      timers_.pop();
      nodes_[index].timer = kNever;
      nodes_[index].node->handle_timeout(now_);
      drain(index);
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

void Simulator::link_changed(std::size_t index, Locator locator, bool up) {
  auto& n = nodes_.at(index);
  if (up) {
    n.links_down.erase(locator);
  } else {
    n.links_down.insert(locator);
  }
  n.node->link_changed(now_, locator, up);
  drain(index);
}

SendStatus Simulator::send_ip(std::size_t from, wire::Bytes packet) {
  auto status = nodes_.at(from).node->send_ip(now_, packet);
  drain(from);
  return status;
}

}  // namespace ilnp::sim
