// The node's moves (proto/README.md sections 4 and 5):
// join and advertise the new locators, tell active correspondents, leave the
// old locators after the soft-handoff overlap. Sending switches to the new set
// in the same step as the join, so no datagram leaves half-way through a move.
#include <algorithm>

#include "ilnp/core/node/node.hpp"

namespace ilnp {

namespace {
// How soon an update that found no path looks again (a solicitation is out).
constexpr Duration kPathRetry = std::chrono::milliseconds(20);

std::string list_text(const std::vector<Locator>& locators) {
  std::string out;
  for (auto l : locators) out += (out.empty() ? "" : ",") + l.to_string();
  return out;
}
}  // namespace

void Node::leave(Locator l) {
  if (!linked_.erase(l)) return;
  auto forgotten = routes_.forget_via(l);
  actions_.emplace_back(Leave{l});
  actions_.emplace_back(Notice{LocatorLeft{l}});
  log_.log(Layer::network, Level::info, [&] {
    return "left locator " + l.to_string() + " (" + std::to_string(forgotten) + " routes through it forgotten)";
  });
}

void Node::leave_old_locators() {
  for (auto l : leaving_)
    if (!is_active(l)) leave(l);
  leaving_.clear();
  leave_at_ = kNever;
}

void Node::move_to(Instant now, std::vector<Locator> locators) { move(now, std::move(locators), {}); }

void Node::link_changed(Instant now, Locator locator, bool up) {
  if (config_.locator_cycle.empty()) return;
  const auto& configured = config_.locator_cycle.front();  // most preferred first
  if (std::find(configured.begin(), configured.end(), locator) == configured.end()) return;
  if (up ? !links_down_.erase(locator) : !links_down_.insert(locator).second) return;  // no change
  ++(up ? stats_.link_ups : stats_.link_downs);
  actions_.emplace_back(Notice{LinkChanged{locator, up}});
  log_.log(Layer::network, Level::info,
           [&] { return "link of locator " + locator.to_string() + (up ? " came up" : " went down"); });
  if (config_.moves != Moves::links) return;
  std::vector<Locator> usable;
  for (auto l : configured)
    if (!links_down_.contains(l)) usable.push_back(l);
  if (usable.empty()) {
    log_.log(Layer::network, Level::warn, [&] { return "every link is down: staying at " + list_text(active_); });
    return;
  }
  move(now, usable, up ? std::vector<Locator>{} : std::vector<Locator>{locator});
}

void Node::move(Instant now, std::vector<Locator> locators, const std::vector<Locator>& gone) {
  if (locators.empty() || locators == active_) return;
  // A move during an unfinished handoff first completes it.
  leave_old_locators();
  ++stats_.moves;
  auto old = std::exchange(active_, {});
  actions_.emplace_back(Notice{Moved{old, locators}});
  log_.log(Layer::network, Level::info, [&] { return "moving from " + list_text(old) + " to " + list_text(locators); });

  // Paths to correspondents as they were before the move: updates go the old way.
  std::vector<std::pair<Ilv, Locator>> peers;
  for (auto peer : correspondents_.active(now)) {
    auto via = std::find(old.begin(), old.end(), peer.locator) != old.end() ? std::optional(peer.locator)
                                                                             : routes_.lookup(peer.locator, now);
    peers.emplace_back(peer, via.value_or(old.front()));
  }
  bool hard = config_.handoff_time == Duration{0};
  for (auto l : old)
    if ((hard || std::find(gone.begin(), gone.end(), l) != gone.end()) &&
        std::find(locators.begin(), locators.end(), l) == locators.end())
      leave(l);

  for (auto l : locators) {
    bool is_new = !linked_.contains(l);
    join(l);
    if (is_new) send_discovery(l, false, now);  // routers learn the new path at once
  }
  if (!hard) {
    for (auto l : old)
      if (!is_active(l) && is_linked(l)) leaving_.push_back(l);
    leave_at_ = leaving_.empty() ? kNever : now + config_.handoff_time;
  }
  if (secure()) last_update_sequence_ = next_wall_stamp(now);
  updates_.begin(peers, now);
  send_due_updates(now);
  // Routes to correspondents through the new locators must exist before the
  // old ones are left: waiting for their next discovery lost TUN packets in
  // the gap (tests/netns/tun_ping.sh). Their answers bring them at once.
  if (!peers.empty()) ask_for_routes(now);
}

void Node::on_move_due(Instant now) {
  cycle_index_ = (cycle_index_ + 1) % config_.locator_cycle.size();
  next_move_ += config_.move_time;
  move_to(now, config_.locator_cycle[cycle_index_]);
}

void Node::send_due_updates(Instant now) {
  for (const auto& gone : updates_.given_up(now)) {
    ++stats_.updates_given_up;
    log_.log(Layer::network, Level::warn, [&] {
      return "no acknowledgement of locator update from " + gone.peer.to_string() + " after " +
             std::to_string(gone.sends) + " sends";
    });
  }
  auto due = updates_.due(now);
  if (due.empty()) return;
  auto update = wire::encode_locator_update(wire::LocatorUpdate{false, active_});
  for (const auto& p : due) {
    // The old path while it lasts; after the old link is left, whatever route exists.
    std::optional<Locator> via;
    if (is_linked(p.old_via)) via = p.old_via;
    else if (is_active(p.peer.locator)) via = p.peer.locator;
    else via = routes_.lookup(p.peer.locator, now);
    if (!via) {
      ask_for_routes(now);
      updates_.postpone(p.peer.nid, now + kPathRetry);
      continue;
    }
    ++stats_.updates_sent;
    actions_.emplace_back(Notice{UpdateSent{p.peer, *via}});
    if (secure()) send_secure_update(*via, p.peer);
    else transmit(*via, p.peer, wire::NextHeader::locator_update, update);
    log_.log(Layer::network, Level::info, [&] {
      return "sent locator update " + list_text(active_) + " to " + p.peer.to_string() + " via " + via->to_string() +
             " (send " + std::to_string(p.sends) + ")";
    });
  }
}

}  // namespace ilnp
