// A node's side of its hub-backed locators (proto/README.md section 12): when
// to register, keep alive and leave, and what the hub's control frames mean.
// Sans-I/O: the caller sends the frames to each locator's hub and passes time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "ilnp/core/hub/frames.hpp"
#include "ilnp/core/time.hpp"

namespace ilnp::hub {

struct MemberConfig {
  // Re-registration interval once registered: keeps the hub's membership and
  // NAT bindings alive, and re-teaches the hub a rebound address.
  Duration keepalive{std::chrono::seconds(25)};
  // Until the hub answers (or after a refusal: keepalive instead).
  Duration retry{std::chrono::seconds(1)};
  // Unknown-sender notices and cookie challenges are unauthenticated: at
  // most one early registration per locator per this interval for each.
  Duration notice_gap{std::chrono::seconds(1)};
};

struct MemberCounters {
  std::uint64_t registrations_sent{0};
  std::uint64_t accepted{0};
  std::uint64_t refused{0};
  std::uint64_t notices{0};
  std::uint64_t challenges{0};  // cookie challenges answered
  std::uint64_t ignored_control{0};  // malformed or not for a locator of ours
};

// What a control frame from a hub meant, for the log.
struct ControlEvent {
  enum class Kind { registered, refreshed, refused, left, notice, challenged, ignored } kind{Kind::ignored};
  Locator locator;
  ReplyStatus status{ReplyStatus::accepted};
};

struct OutgoingRegistration {
  Locator locator;
  wire::Buffer frame;
};

class HubMember {
 public:
  // Signs with `identity` when given (secure mode), else registers `nid` unsigned.
  HubMember(MemberConfig config, const security::Identity* identity, Nid nid);

  // Starts registering `locator` (due at once).
  void join(Instant now, Locator locator);
  // Stops; returns the leave frame to send to the locator's hub.
  std::optional<wire::Buffer> leave(std::uint64_t wall_us, Locator locator);
  // Appends the registrations due at `now` and reschedules them.
  void poll(Instant now, std::uint64_t wall_us, std::vector<OutgoingRegistration>& out);
  [[nodiscard]] Instant next_timeout() const;
  // A reply, cookie challenge or unknown-sender frame from a hub. A challenge
  // that echoes our latest registration for a locator stores its cookie and
  // makes the registration due again at once: the next one carries it.
  ControlEvent handle_control(Instant now, wire::Bytes frame);
  // The locator of a data frame for a locator we joined; nullopt: drop it.
  [[nodiscard]] std::optional<Locator> accept_data(wire::Bytes frame) const;

  [[nodiscard]] bool joined(Locator l) const { return locators_.contains(l); }
  [[nodiscard]] bool registered(Locator l) const;
  [[nodiscard]] const MemberCounters& counters() const { return counters_; }

 private:
  struct State {
    Instant due;
    Instant last_sent{};
    std::uint64_t last_timestamp_us{0};
    bool registered{false};
    bool refused{false};
    std::optional<Instant> last_notice;
    std::optional<Instant> last_challenge;
    std::optional<Cookie> cookie;  // the hub's cookie for our address, echoed in registrations
  };
  ControlEvent handle_challenge(Instant now, const CookieChallenge& challenge);
  [[nodiscard]] std::uint64_t next_timestamp(std::uint64_t wall_us);

  MemberConfig config_;
  const security::Identity* identity_;
  Nid nid_;
  std::map<Locator, State> locators_;
  std::uint64_t last_timestamp_us_{0};
  MemberCounters counters_;
};

}  // namespace ilnp::hub
