// Registration checks run cheapest first and the signature before anything
// changes: an endpoint moves only after its registration authenticates.
#include "ilnp/core/hub/membership.hpp"

#include <algorithm>
#include <cstdio>

namespace ilnp::hub {

std::string Endpoint::to_string() const {
  char text[64];
  static constexpr std::array<std::uint8_t, 12> kV4Mapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kV4Mapped.begin(), kV4Mapped.end(), address.begin())) {
    std::snprintf(text, sizeof text, "%u.%u.%u.%u:%u", address[12], address[13], address[14], address[15], port);
    return text;
  }
  std::string out = "[";
  for (std::size_t i = 0; i < 16; i += 2) {
    std::snprintf(text, sizeof text, i ? ":%x" : "%x", (address[i] << 8) | address[i + 1]);
    out += text;
  }
  return out + "]:" + std::to_string(port);
}

MembershipTable::MembershipTable(HubConfig config) : config_(std::move(config)) {
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

  auto& g = group != groups_.end() ? group->second : groups_[r.locator];
  auto expiry_s = static_cast<std::uint16_t>(
      std::min<std::int64_t>(std::chrono::duration_cast<std::chrono::seconds>(config_.member_expiry).count(), 65535));
  if (!existing) {
    existing = &g.members[r.nid];
    ++member_count_;
    outcome.joined = true;
  } else if (existing->endpoint != from) {
    if (auto old = g.by_endpoint.find(existing->endpoint); old != g.by_endpoint.end() && old->second == r.nid)
      g.by_endpoint.erase(old);
    if (!existing->departed && !r.leave) {
      outcome.rebound_from = existing->endpoint;
      ++counters_.rebinds;
    }
  }
  outcome.joined = outcome.joined || (existing->departed && !r.leave);
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
  group.members.erase(member);
  --member_count_;
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
