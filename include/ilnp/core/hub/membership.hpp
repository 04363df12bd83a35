// The relay hub's only state: which endpoint is a member of which locator,
// until when (proto/README.md section 12). Decides registrations (after their
// address cookie) and where a data frame goes; never reads past the overlay
// header. Knows no sockets.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ilnp/core/hub/cookie.hpp"
#include "ilnp/core/hub/endpoint.hpp"
#include "ilnp/core/hub/frames.hpp"
#include "ilnp/core/hub/source_budget.hpp"
#include "ilnp/core/time.hpp"

namespace ilnp::hub {

struct HubConfig {
  bool secure{true};  // refuse unsigned registrations
  Duration member_expiry{std::chrono::seconds(90)};
  // A registration whose timestamp is further than this from the hub's clock
  // is stale. Capped at member_expiry, so a replay cannot outlive the
  // freshness record of its member. Zero: member_expiry.
  Duration max_registration_age{std::chrono::seconds(60)};
  std::size_t max_members{4096};
  // One address (a host, or a NAT's public address) and one /64 or /24 may
  // hold at most this many members: no single site fills the table.
  std::size_t max_members_per_address{64};
  std::size_t max_members_per_prefix{256};
  // Address cookies: the caller's random secret, and how long one time bucket
  // lasts (a cookie is valid for one to two of them).
  CookieSecret cookie_secret{};
  Duration cookie_period{std::chrono::minutes(2)};
  // Cookie challenges and unknown-sender notices: the source is unverified.
  SourceBudgetLimits unverified_replies{};
  // Locators restricted to these keys (secure mode); others take any key.
  std::map<Locator, std::set<security::PublicKey>> allowed_keys{};
};

struct HubCounters {
  std::uint64_t registrations{0};  // accepted, refreshes included
  std::uint64_t joins{0};          // new members
  std::uint64_t rebinds{0};        // members re-learned at a new endpoint
  std::uint64_t leaves{0};
  std::uint64_t expiries{0};
  std::array<std::uint64_t, kReplyStatusCount> refusals{};  // by ReplyStatus
  std::uint64_t malformed_registrations{0};
  std::uint64_t unverified{0};  // registrations without a valid cookie for their source
  std::uint64_t challenges{0};  // cookie challenges sent to them
  std::uint64_t data_in{0};
  std::uint64_t data_out{0};  // copies sent
  std::uint64_t unicast{0};
  std::uint64_t fanout{0};
  std::uint64_t malformed_data{0};
  std::uint64_t not_member{0};
};

struct RegistrationOutcome {
  ReplyStatus status{ReplyStatus::accepted};
  std::optional<Registration> registration;  // unset: malformed, no reply
  bool joined{false};                        // a new member
  std::optional<Endpoint> rebound_from;      // the member's previous endpoint
  bool unverified{false};                    // no valid cookie: nothing checked, nothing changed
  wire::Buffer reply;                        // to send back to the sender (may be empty)
};

enum class DataVerdict { unicast, fanout, malformed, not_member };

struct Expired {
  Locator locator;
  Nid nid;
  Endpoint endpoint;
};

class MembershipTable {
 public:
  explicit MembershipTable(HubConfig config);

  // A registration frame from `from`; `wall_us` is the hub's unix time in µs.
  // Without a valid cookie for `from` it is only answered with a cookie
  // challenge (within the unverified-reply budget), before any other check.
  [[nodiscard]] RegistrationOutcome handle_registration(Instant now, std::uint64_t wall_us, const Endpoint& from,
                                                        wire::Bytes frame);
  // Where a data frame from `from` goes: `to` is cleared and filled (the
  // caller's vector, so the data path does not allocate once warm).
  DataVerdict route(const Endpoint& from, wire::Bytes frame, std::vector<Endpoint>& to);
  // Whether an unverified reply (an unknown-sender notice) may go to `to` now.
  [[nodiscard]] bool allow_unverified_reply(Instant now, const Endpoint& to) { return replies_.allow(now, to); }
  [[nodiscard]] std::uint64_t unverified_replies_suppressed() const { return replies_.suppressed(); }
  // The cookie a registration from `from` must carry now (tests, simulators).
  [[nodiscard]] Cookie cookie_for(Instant now, const Endpoint& from) const { return cookies_.make(now, from); }
  // Removes members whose registration expired; returns them for the log.
  std::vector<Expired> expire(Instant now);

  [[nodiscard]] std::size_t member_count() const { return member_count_; }
  [[nodiscard]] const HubCounters& counters() const { return counters_; }
  [[nodiscard]] const HubConfig& config() const { return config_; }

 private:
  struct Member {
    Endpoint endpoint;
    Instant expires;
    std::uint64_t last_timestamp_us{0};
    bool departed{false};  // left: kept (silent) until expiry so its last registration stays stale
  };
  struct Group {
    std::map<Nid, Member> members;
    std::map<Endpoint, Nid> by_endpoint;
  };
  [[nodiscard]] ReplyStatus check(const Registration& r, wire::Bytes frame, std::uint64_t wall_us,
                                  const Member* existing) const;
  RegistrationOutcome refuse(RegistrationOutcome outcome, ReplyStatus status);
  void erase(Group& group, std::map<Nid, Member>::iterator member);
  [[nodiscard]] bool source_has_room(const Endpoint& from) const;
  void count_source(const Endpoint& e, int delta);

  HubConfig config_;
  std::map<Locator, Group> groups_;
  std::size_t member_count_{0};
  std::map<Endpoint, std::size_t> per_source_;  // members per address and per prefix (port 0)
  CookieJar cookies_;
  SourceBudget replies_;
  HubCounters counters_;
};

}  // namespace ilnp::hub
