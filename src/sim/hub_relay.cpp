// Frames and registrations in send order: a seed is a trace.
#include "ilnp/sim/hub_relay.hpp"

#include <algorithm>

#include "ilnp/core/wire/header.hpp"

namespace ilnp::sim {

namespace {
hub::Endpoint node_endpoint(std::size_t index, std::uint16_t port) {
  hub::Endpoint e;
  e.address = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, static_cast<std::uint8_t>(index >> 8),
               static_cast<std::uint8_t>(index + 1)};
  e.port = port;
  return e;
}
}  // namespace

HubRelay::HubRelay(std::vector<Locator> locators, HubModel model, std::uint64_t seed)
    : locators_(std::move(locators)), model_(std::move(model)), table_(model_.hub), rng_(seed) {}

bool HubRelay::serves(Locator locator) const {
  return std::find(locators_.begin(), locators_.end(), locator) != locators_.end();
}

std::uint64_t HubRelay::wall(Instant now) {
  return kWallStart +
         static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count());
}

void HubRelay::post(Instant now, Frame frame) {
  if (model_.loss > 0 && rng_.uniform(0, 1) < model_.loss) return;
  in_flight_.emplace(std::pair{now + model_.delay, sequence_++}, std::move(frame));
}

void HubRelay::join(Instant now, std::size_t node, Nid nid, const security::Identity* identity, Locator locator) {
  auto it = members_.find(node);
  if (it == members_.end())
    it = members_.emplace(node, Member{hub::HubMember(model_.member, identity, nid), node_endpoint(node, 40000)}).first;
  it->second.member.join(now, locator);
  poll(now, it->second);
}

void HubRelay::leave(Instant now, std::size_t node, Locator locator) {
  auto it = members_.find(node);
  if (it == members_.end()) return;
  if (auto frame = it->second.member.leave(wall(now), locator)) post(now, {true, it->second.endpoint, {}, *frame});
}

void HubRelay::send(Instant now, std::size_t node, Locator locator, wire::Bytes datagram) {
  auto it = members_.find(node);
  if (it == members_.end() || it->second.stopped) return;
  auto prefix = hub::data_prefix(locator);
  wire::Buffer frame(prefix.begin(), prefix.end());
  frame.insert(frame.end(), datagram.begin(), datagram.end());
  post(now, {true, it->second.endpoint, {}, std::move(frame)});
}

void HubRelay::stop(std::size_t node) {
  if (auto it = members_.find(node); it != members_.end()) it->second.stopped = true;
}

void HubRelay::rebind(std::size_t node, std::uint16_t new_port) { members_.at(node).endpoint.port = new_port; }

void HubRelay::inject(Instant now, const hub::Endpoint& from, wire::Buffer frame) {
  post(now, {true, from, {}, std::move(frame)});
}

void HubRelay::poll(Instant now, Member& m) {
  if (m.stopped) return;
  due_.clear();
  m.member.poll(now, wall(now), due_);
  for (auto& r : due_) post(now, {true, m.endpoint, {}, std::move(r.frame)});
}

Instant HubRelay::next_event() const {
  Instant next = in_flight_.empty() ? kNever : in_flight_.begin()->first.first;
  for (const auto& [index, m] : members_)
    if (!m.stopped) next = std::min(next, m.member.next_timeout());
  return next;
}

std::optional<HubArrival> HubRelay::step(Instant now) {
  if (!in_flight_.empty() && in_flight_.begin()->first.first <= now) {
    auto frame = std::move(in_flight_.begin()->second);
    in_flight_.erase(in_flight_.begin());
    if (frame.to_hub) {
      at_hub(now, frame);
      return std::nullopt;
    }
    return at_node(now, frame);
  }
  for (auto& [index, m] : members_)
    if (!m.stopped && m.member.next_timeout() <= now) poll(now, m);
  return std::nullopt;
}

void HubRelay::at_hub(Instant now, const Frame& frame) {
  if (!frame.bytes.empty() &&
      std::to_integer<std::uint8_t>(frame.bytes[0]) == static_cast<std::uint8_t>(hub::FrameType::registration)) {
    registrations_seen_.push_back(frame.bytes);
    auto outcome = table_.handle_registration(now, wall(now), frame.from, frame.bytes);
    if (!outcome.reply.empty()) post(now, {false, {}, frame.from, outcome.reply});
    return;
  }
  switch (table_.route(frame.from, frame.bytes, route_to_)) {
    case hub::DataVerdict::unicast:
    case hub::DataVerdict::fanout:
      for (const auto& to : route_to_) post(now, {false, {}, to, frame.bytes});
      break;
    case hub::DataVerdict::not_member:
      post(now, {false, {}, frame.from, hub::encode_unknown_sender(*hub::data_link(frame.bytes))});
      break;
    case hub::DataVerdict::malformed:
      break;
  }
}

std::optional<HubArrival> HubRelay::at_node(Instant now, const Frame& frame) {
  for (auto& [index, m] : members_) {
    if (m.endpoint != frame.to) continue;
    if (m.stopped) return std::nullopt;
    if (auto link = m.member.accept_data(frame.bytes))
      return HubArrival{index, *link, wire::Buffer(frame.bytes.begin() + hub::kDataPrefixSize, frame.bytes.end())};
    m.member.handle_control(now, frame.bytes);
    poll(now, m);  // a challenge or a notice: register again at once
    return std::nullopt;
  }
  return std::nullopt;  // nobody has that endpoint any more (a rebound NAT mapping): lost
}

}  // namespace ilnp::sim
