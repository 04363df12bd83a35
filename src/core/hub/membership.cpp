// Registration checks run cheapest first and the signature before anything
// changes: an endpoint moves only after its registration authenticates.
#include "ilnp/core/hub/membership.hpp"

#include <algorithm>

namespace ilnp::hub {

MembershipTable::MembershipTable(HubConfig config)
    : config_(std::move(config)),
      cookies_(config_.cookie_secret, config_.cookie_period),
      replies_(config_.unverified_replies) {
  if (config_.max_registration_age.count() <= 0 || config_.max_registration_age > config_.member_expiry)
    config_.max_registration_age = config_.member_expiry;
}

ReplyStatus MembershipTable::check(const Registration& r, wire::Bytes frame, std::uint64_t wall_us,
                                   const Member* existing) const {
  if (!r.key) {
    if (config_.secure) return ReplyStatus::unsigned_refused;
  } else {
    if (security::nid_of(*r.key) != r.nid) return ReplyStatus::nid_key_mismatch;
    if (!security::verify(*r.key, registration_signed_bytes(frame), r.signature)) return ReplyStatus::bad_signature;
    if (auto allowed = config_.allowed_keys.find(r.locator);
        allowed != config_.allowed_keys.end() && !allowed->second.contains(*r.key))
      return ReplyStatus::key_not_allowed;
  }
  if (existing && r.timestamp_us <= existing->last_timestamp_us) return ReplyStatus::stale;
  auto max_age = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                                config_.max_registration_age).count());
  auto distance = r.timestamp_us > wall_us ? r.timestamp_us - wall_us : wall_us - r.timestamp_us;
  if (distance > max_age) return ReplyStatus::stale;
  return ReplyStatus::accepted;
}

RegistrationOutcome MembershipTable::refuse(RegistrationOutcome outcome, ReplyStatus status) {
  ++counters_.refusals[static_cast<std::size_t>(status)];
  outcome.status = status;
  outcome.reply = encode_reply({status, outcome.registration->locator, outcome.registration->nid,
                                outcome.registration->timestamp_us, 0});
  return outcome;
}

RegistrationOutcome MembershipTable::handle_registration(Instant now, std::uint64_t wall_us, const Endpoint& from,
                                                         wire::Bytes frame) {
  RegistrationOutcome outcome;
  outcome.registration = decode_registration(frame);
  if (!outcome.registration) {
    ++counters_.malformed_registrations;
    return outcome;  // no reply: nothing to say to garbage
  }
  const auto& r = *outcome.registration;
  // First, and before the signature costs anything: does the sender receive
  // at its address? Until it proves so it gets nothing larger than it sent.
  if (!r.cookie || !cookies_.valid(now, from, *r.cookie)) {
    ++counters_.unverified;
    outcome.unverified = true;
    if (replies_.allow(now, from)) {
      ++counters_.challenges;
      outcome.reply = encode_cookie_challenge({r.timestamp_us, cookies_.make(now, from)});
    }
    return outcome;
  }
  auto group = groups_.find(r.locator);
  Member* existing = nullptr;
  if (group != groups_.end())
    if (auto m = group->second.members.find(r.nid); m != group->second.members.end()) existing = &m->second;

  if (auto status = check(r, frame, wall_us, existing); status != ReplyStatus::accepted)
    return refuse(std::move(outcome), status);
  if (!existing && r.leave) {  // nothing to leave: answer, keep no state
    ++counters_.leaves;
    outcome.status = ReplyStatus::left;
    outcome.reply = encode_reply({outcome.status, r.locator, r.nid, r.timestamp_us, 0});
    return outcome;
  }
  if (!existing && member_count_ >= config_.max_members) return refuse(std::move(outcome), ReplyStatus::table_full);
  bool moves = !existing || existing->endpoint != from;
  if (moves && !r.leave && !source_has_room(from)) return refuse(std::move(outcome), ReplyStatus::source_full);

  auto& g = group != groups_.end() ? group->second : groups_[r.locator];
  auto expiry_s = static_cast<std::uint16_t>(
      std::min<std::int64_t>(std::chrono::duration_cast<std::chrono::seconds>(config_.member_expiry).count(), 65535));
  if (!existing) {
    existing = &g.members[r.nid];
    ++member_count_;
    outcome.joined = true;
  } else if (existing->endpoint != from) {
    count_source(existing->endpoint, -1);
    if (auto old = g.by_endpoint.find(existing->endpoint); old != g.by_endpoint.end() && old->second == r.nid)
      g.by_endpoint.erase(old);
    if (!existing->departed && !r.leave) {
      outcome.rebound_from = existing->endpoint;
      ++counters_.rebinds;
    }
  }
  outcome.joined = outcome.joined || (existing->departed && !r.leave);
  if (moves) count_source(from, +1);
  existing->endpoint = from;
  existing->expires = now + config_.member_expiry;
  existing->last_timestamp_us = r.timestamp_us;
  existing->departed = r.leave;
  g.by_endpoint[from] = r.nid;
  if (r.leave) {
    ++counters_.leaves;
    outcome.status = ReplyStatus::left;
  } else {
    ++counters_.registrations;
    if (outcome.joined) ++counters_.joins;
  }
  outcome.reply = encode_reply({outcome.status, r.locator, r.nid, r.timestamp_us, expiry_s});
  return outcome;
}

DataVerdict MembershipTable::route(const Endpoint& from, wire::Bytes frame, std::vector<Endpoint>& to) {
  to.clear();
  ++counters_.data_in;
  auto link = data_link(frame);
  if (!link) {
    ++counters_.malformed_data;
    return DataVerdict::malformed;
  }
  auto group = groups_.find(*link);
  const Member* sender = nullptr;
  if (group != groups_.end())
    if (auto s = group->second.by_endpoint.find(from); s != group->second.by_endpoint.end())
      if (auto m = group->second.members.find(s->second); m != group->second.members.end()) sender = &m->second;
  if (!sender || sender->departed) {
    ++counters_.not_member;
    return DataVerdict::not_member;
  }
  const auto& members = group->second.members;
  // Addressed to one node on this very locator, and that node is here: only it.
  auto destination = data_destination(frame);
  if (destination.locator == *link && destination.nid.value != 0)
    if (auto m = members.find(destination.nid); m != members.end() && !m->second.departed && &m->second != sender) {
      to.push_back(m->second.endpoint);
      ++counters_.unicast;
      ++counters_.data_out;
      return DataVerdict::unicast;
    }
  for (const auto& [nid, member] : members)
    if (!member.departed && &member != sender) to.push_back(member.endpoint);
  ++counters_.fanout;
  counters_.data_out += to.size();
  return DataVerdict::fanout;
}

void MembershipTable::erase(Group& group, std::map<Nid, Member>::iterator member) {
  if (auto e = group.by_endpoint.find(member->second.endpoint); e != group.by_endpoint.end() && e->second == member->first)
    group.by_endpoint.erase(e);
  count_source(member->second.endpoint, -1);
  group.members.erase(member);
  --member_count_;
}

bool MembershipTable::source_has_room(const Endpoint& from) const {
  auto held = [&](const Endpoint& key) {
    auto it = per_source_.find(key);
    return it == per_source_.end() ? std::size_t{0} : it->second;
  };
  return held(address_of(from)) < config_.max_members_per_address &&
         held(prefix_of(from)) < config_.max_members_per_prefix;
}

// A departed member still holds its share until it expires: leaving and
// joining again cannot be used to exceed it.
void MembershipTable::count_source(const Endpoint& e, int delta) {
  auto address = address_of(e), prefix = prefix_of(e);
  for (const auto& key : {address, prefix}) {
    if (delta > 0) {
      ++per_source_[key];
    } else if (auto it = per_source_.find(key); it != per_source_.end() && --it->second == 0) {
      per_source_.erase(it);
    }
    if (address == prefix) break;  // host bits zero: one entry
  }
}

std::vector<Expired> MembershipTable::expire(Instant now) {
  std::vector<Expired> out;
  for (auto g = groups_.begin(); g != groups_.end();) {
    auto& members = g->second.members;
    for (auto m = members.begin(); m != members.end();) {
      auto next = std::next(m);
      if (m->second.expires <= now) {
        if (!m->second.departed) {
          out.push_back({g->first, m->first, m->second.endpoint});
          ++counters_.expiries;
        }
        erase(g->second, m);
      }
      m = next;
    }
    g = members.empty() ? groups_.erase(g) : std::next(g);
  }
  return out;
}

}  // namespace ilnp::hub
