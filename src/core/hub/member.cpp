// Registrations are the only thing a member says to a hub besides data; a
// reply only moves the schedule, because it is not authenticated.
#include "ilnp/core/hub/member.hpp"

#include <algorithm>

namespace ilnp::hub {

HubMember::HubMember(MemberConfig config, const security::Identity* identity, Nid nid)
    : config_(config), identity_(identity), nid_(identity ? identity->nid() : nid) {}

std::uint64_t HubMember::next_timestamp(std::uint64_t wall_us) {
  // Strictly increasing even if the wall clock steps back: the hub refuses equal or older ones.
  last_timestamp_us_ = std::max(wall_us, last_timestamp_us_ + 1);
  return last_timestamp_us_;
}

void HubMember::join(Instant now, Locator locator) {
  auto& state = locators_[locator];
  state = State{};
  state.due = now;
}

std::optional<wire::Buffer> HubMember::leave(std::uint64_t wall_us, Locator locator) {
  auto it = locators_.find(locator);
  if (it == locators_.end()) return std::nullopt;
  auto cookie = it->second.cookie;  // an expired one: the hub ignores the leave and our membership expires
  locators_.erase(it);
  Registration r{.locator = locator, .nid = nid_, .timestamp_us = next_timestamp(wall_us), .leave = true,
                 .cookie = cookie};
  return encode_registration(r, identity_);
}

void HubMember::poll(Instant now, std::uint64_t wall_us, std::vector<OutgoingRegistration>& out) {
  for (auto& [locator, state] : locators_) {
    if (state.due > now) continue;
    Registration r{.locator = locator, .nid = nid_, .timestamp_us = next_timestamp(wall_us), .cookie = state.cookie};
    state.last_timestamp_us = r.timestamp_us;
    state.last_sent = now;
    // Expect an answer within `retry`; an accepted one moves this to keepalive.
    state.due = now + (state.refused ? config_.keepalive : config_.retry);
    ++counters_.registrations_sent;
    out.push_back({locator, encode_registration(r, identity_)});
  }
}

Instant HubMember::next_timeout() const {
  Instant next = kNever;
  for (const auto& [locator, state] : locators_) next = std::min(next, state.due);
  return next;
}

bool HubMember::registered(Locator l) const {
  auto it = locators_.find(l);
  return it != locators_.end() && it->second.registered;
}

ControlEvent HubMember::handle_challenge(Instant now, const CookieChallenge& challenge) {
  for (auto& [locator, state] : locators_) {
    if (state.last_timestamp_us != challenge.timestamp_us) continue;
    // The hub refused the very cookie we sent (or a forger echoes us): no
    // early retry, the schedule stands.
    if (state.cookie == challenge.cookie) break;
    ++counters_.challenges;
    state.cookie = challenge.cookie;
    if (!state.last_challenge || now - *state.last_challenge >= config_.notice_gap) {
      state.last_challenge = now;
      state.due = std::min(state.due, now);
    }
    return {ControlEvent::Kind::challenged, locator};
  }
  ++counters_.ignored_control;
  return {};
}

ControlEvent HubMember::handle_control(Instant now, wire::Bytes frame) {
  if (auto challenge = decode_cookie_challenge(frame)) return handle_challenge(now, *challenge);
  if (auto reply = decode_reply(frame)) {
    auto it = locators_.find(reply->locator);
    // Only an answer to our latest registration counts (not an old or forged echo).
    if (it == locators_.end() || reply->nid != nid_ || reply->timestamp_us != it->second.last_timestamp_us) {
      ++counters_.ignored_control;
      return {};
    }
    auto& state = it->second;
    if (reply->status != ReplyStatus::accepted) {
      ++counters_.refused;
      state.registered = false;
      state.refused = true;
      state.due = state.last_sent + config_.keepalive;
      return {ControlEvent::Kind::refused, reply->locator, reply->status};
    }
    ++counters_.accepted;
    bool first = !state.registered;
    state.registered = true;
    state.refused = false;
    // Re-register before the hub would expire us, whatever our keepalive says.
    auto expiry = std::chrono::seconds(reply->expiry_s);
    auto keepalive = std::min<Duration>(config_.keepalive, expiry / 3);
    state.due = state.last_sent + std::max<Duration>(keepalive, config_.retry);
    return {first ? ControlEvent::Kind::registered : ControlEvent::Kind::refreshed, reply->locator};
  }
  if (auto locator = decode_unknown_sender(frame)) {
    auto it = locators_.find(*locator);
    if (it == locators_.end()) {
      ++counters_.ignored_control;
      return {};
    }
    ++counters_.notices;
    auto& state = it->second;
    // Refused: the hub knows who we are; a notice must not undo the back-off.
    if (state.refused) return {ControlEvent::Kind::notice, *locator};
    if (state.last_notice && now - *state.last_notice < config_.notice_gap) return {ControlEvent::Kind::notice, *locator};
    state.last_notice = now;
    state.registered = false;
    state.due = std::min(state.due, now);
    return {ControlEvent::Kind::notice, *locator};
  }
  ++counters_.ignored_control;
  return {};
}

std::optional<Locator> HubMember::accept_data(wire::Bytes frame) const {
  auto link = data_link(frame);
  if (!link || !locators_.contains(*link)) return std::nullopt;
  return link;
}

}  // namespace ilnp::hub
