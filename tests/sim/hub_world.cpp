// Every step takes the earliest of: a frame arriving, a node's timeout, a
// member's registration due. Ties break by send order, so a seed is a trace.
#include "hub_world.hpp"

#include <algorithm>

#include "ilnp/core/overloaded.hpp"

namespace ilnp::test {

namespace {
hub::Endpoint host_endpoint(std::size_t index, std::uint16_t port) {
  hub::Endpoint e;
  e.address = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, static_cast<std::uint8_t>(index + 1)};
  e.port = port;
  return e;
}
}  // namespace

HubWorld::HubWorld(std::uint64_t seed, PathModel path, hub::HubConfig hub, hub::MemberConfig member)
    : path_(path), member_config_(member), hub_(std::move(hub)), rng_(seed) {
  hub_endpoint_ = host_endpoint(200, 10010);
}

std::size_t HubWorld::add_host(NodeConfig config, std::uint8_t key_tag) {
  security::Seed seed{};
  seed.fill(std::byte{key_tag});
  auto identity = security::Identity::from_seed(seed);
  config.nid = identity.nid();
  config.security.secure = false;
  hosts_.push_back(std::make_unique<Host>(std::move(config), rng_(), identity, member_config_));
  hosts_.back()->endpoint = host_endpoint(hosts_.size() - 1, 40000);
  return hosts_.size() - 1;
}

std::uint64_t HubWorld::wall() const {
  return kWallStart + static_cast<std::uint64_t>(
                          std::chrono::duration_cast<std::chrono::microseconds>(now_.time_since_epoch()).count());
}

void HubWorld::start() {
  for (std::size_t i = 0; i < hosts_.size(); ++i) {
    hosts_[i]->node.start(now_);
    settle(i);
  }
}

void HubWorld::send(Frame frame) {
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  if (path_.loss > 0 && coin(rng_) < path_.loss) return;
  in_flight_.emplace(std::pair{now_ + path_.delay, sequence_++}, std::move(frame));
}

void HubWorld::inject(const hub::Endpoint& from, wire::Buffer frame) {
  send({true, from, {}, std::move(frame)});
}

void HubWorld::rebind(std::size_t host, std::uint16_t new_port) { hosts_[host]->endpoint.port = new_port; }

void HubWorld::poll_registrations(Host& host) {
  std::vector<hub::OutgoingRegistration> out;
  host.member.poll(now_, wall(), out);
  for (auto& r : out) send({true, host.endpoint, {}, std::move(r.frame)});
}

void HubWorld::settle(std::size_t index) {
  auto& host = *hosts_[index];
  auto data = [&](Locator link, wire::Bytes datagram, std::optional<std::uint8_t> hop_limit) {
    auto prefix = hub::data_prefix(link);
    wire::Buffer frame(prefix.begin(), prefix.end());
    frame.insert(frame.end(), datagram.begin(), datagram.end());
    if (hop_limit) frame[hub::kDataPrefixSize + wire::kHopLimitOffset] = std::byte{*hop_limit};
    send({true, host.endpoint, {}, std::move(frame)});
  };
  while (auto action = host.node.poll_action()) {
    std::visit(Overloaded{
                   [&](const Transmit& t) { data(t.link, t.bytes, std::nullopt); },
                   [&](const Forward& f) { data(f.link, f.datagram, f.hop_limit); },
                   [&](const Join& j) { host.member.join(now_, j.link); },
                   [&](const Leave& l) {
                     if (auto frame = host.member.leave(wall(), l.link)) send({true, host.endpoint, {}, *frame});
                   },
                   [&](const Deliver& d) { host.deliveries.emplace_back(now_, d); },
                   [](const Notice&) {},
               },
               *action);
  }
  poll_registrations(host);
}

void HubWorld::at_hub(const Frame& frame) {
  if (!frame.bytes.empty() &&
      std::to_integer<std::uint8_t>(frame.bytes[0]) == static_cast<std::uint8_t>(hub::FrameType::registration)) {
    registrations_seen_.push_back(frame.bytes);
    auto outcome = hub_.handle_registration(now_, wall(), frame.from, frame.bytes);
    if (!outcome.reply.empty()) send({false, {}, frame.from, outcome.reply});
    return;
  }
  switch (hub_.route(frame.from, frame.bytes, to_)) {
    case hub::DataVerdict::unicast:
    case hub::DataVerdict::fanout:
      for (const auto& to : to_) send({false, {}, to, frame.bytes});
      break;
    case hub::DataVerdict::not_member:
      send({false, {}, frame.from, hub::encode_unknown_sender(*hub::data_link(frame.bytes))});
      break;
    case hub::DataVerdict::malformed:
      break;
  }
}

void HubWorld::at_host(Host& host, wire::Bytes frame) {
  if (auto link = host.member.accept_data(frame)) {
    host.node.handle_datagram(now_, *link, frame.subspan(hub::kDataPrefixSize));
  } else {
    host.member.handle_control(now_, frame);
  }
}

void HubWorld::deliver(Frame& frame) {
  if (frame.to_hub) return at_hub(frame);
  for (std::size_t i = 0; i < hosts_.size(); ++i)
    if (hosts_[i]->endpoint == frame.to) {
      at_host(*hosts_[i], frame.bytes);
      return settle(i);
    }
  // Nobody has that endpoint any more (a rebound NAT mapping): lost.
}

Instant HubWorld::next_event() const {
  Instant next = in_flight_.empty() ? kNever : in_flight_.begin()->first.first;
  for (const auto& h : hosts_) next = std::min({next, h->node.next_timeout(), h->member.next_timeout()});
  return next;
}

void HubWorld::run_for(Duration d) {
  auto until = now_ + d;
  for (;;) {
    auto next = next_event();
    if (next > until) break;
    now_ = std::max(now_, next);
    if (!in_flight_.empty() && in_flight_.begin()->first.first <= now_) {
      auto frame = std::move(in_flight_.begin()->second);
      in_flight_.erase(in_flight_.begin());
      deliver(frame);
      continue;
    }
    for (std::size_t i = 0; i < hosts_.size(); ++i) {
      if (hosts_[i]->node.next_timeout() <= now_) hosts_[i]->node.handle_timeout(now_);
      settle(i);
    }
  }
  now_ = until;
}

}  // namespace ilnp::test
