// The overlay node: composes forwarding, discovery and the skinny transport.
// Inputs carry the current time; outputs are Actions, a deadline and counters.
// It never touches sockets, clocks or threads (docs/ARCHITECTURE.md, core contract).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ilnp/core/discovery/name_cache.hpp"
#include "ilnp/core/discovery/solicit_schedule.hpp"
#include "ilnp/core/forwarding/duplicate_filter.hpp"
#include "ilnp/core/forwarding/route_table.hpp"
#include "ilnp/core/forwarding/token_bucket.hpp"
#include "ilnp/core/tun/peer_traffic.hpp"
#include "ilnp/core/log.hpp"
#include "ilnp/core/mobility/correspondents.hpp"
#include "ilnp/core/mobility/peer_bindings.hpp"
#include "ilnp/core/mobility/update_sender.hpp"
#include "ilnp/core/node/action_queue.hpp"
#include "ilnp/core/node/actions.hpp"
#include "ilnp/core/node/link_counters.hpp"
#include "ilnp/core/node/node_config.hpp"
#include "ilnp/core/node/stats.hpp"
#include "ilnp/core/rng.hpp"
#include "ilnp/core/security/peer_keys.hpp"
#include "ilnp/core/security/sealed_channels.hpp"
#include "ilnp/core/wire/header.hpp"
#include "ilnp/core/wire/messages.hpp"

namespace ilnp {

enum class SendStatus { sent, no_route, unknown_host, too_large, port_unbound, no_peer_key, refused };
[[nodiscard]] std::string_view to_string(SendStatus s);

class Node {
 public:
  // A secure node (config.security.secure) needs `identity`; its NID is the
  // identity's. Throws std::invalid_argument when they disagree.
  Node(NodeConfig config, std::uint64_t rng_seed, Logger logger = {}, std::optional<security::Identity> identity = {});

  // Joins the first locator set, starts discovery and the move schedule.
  void start(Instant now);
  // Moves to a new locator set now: joins and advertises the new locators,
  // sends locator updates to active correspondents, and leaves the old ones
  // after handoff_time (at once when it is 0: a hard handoff).
  void move_to(Instant now, std::vector<Locator> locators);
  // The link of one of our locators went down or came up (the driver watches
  // interfaces). Counted and noticed in any mode; with Moves::links it moves
  // the node: a locator whose link is down is left at once (no soft handoff
  // over a dead link) and the updates go through the locators still up; one
  // that comes up is joined, advertised and put in its place of preference,
  // while the others stay in use (make-before-break). The last link going
  // down moves nothing: there is nowhere to go, and the node waits.
  void link_changed(Instant now, Locator locator, bool up);
  // Our locators whose link is down now.
  [[nodiscard]] const std::set<Locator>& links_down() const { return links_down_; }
  // A datagram that arrived on the link of `arrival`.
  void handle_datagram(Instant now, Locator arrival, wire::Bytes datagram);
  // Called at or after next_timeout().
  void handle_timeout(Instant now);

  // Skinny transport: bind a port to receive Deliver actions for it.
  bool bind(Port port);
  void unbind(Port port);
  SendStatus send_to(Instant now, Port source_port, Ilv destination, Port destination_port, wire::Bytes data);
  SendStatus send_to_host(Instant now, Port source_port, const std::string& hostname, Port destination_port,
                          wire::Bytes data);

  // IP over the overlay (section 13; needs config.ip_prefix): a packet read
  // from the TUN. Refused ones are counted by reason; one too big is answered
  // with a DeliverIp of an ICMPv6 Packet Too Big (rate-limited, RFC 4443 2.4).
  SendStatus send_ip(Instant now, wire::Bytes packet);

  // A binding remembered from an earlier run (the state database), seen at
  // `seen`: usable until it expires like any learned name. `key` only from
  // a store that kept verified keys.
  void restore_binding(const std::string& hostname, Ilv ilv, Instant seen,
                       std::optional<security::PublicKey> key = std::nullopt) {
    names_.learn(hostname, ilv, seen);
    if (key && security::nid_of(*key) == ilv.nid) peer_keys_.learn(ilv.nid, *key, seen);
  }

  // Solicits now (at most once a second) when a name or route is missing.
  void request_discovery(Instant now) { ask_for_routes(now); }

  [[nodiscard]] std::optional<Action> poll_action();
  [[nodiscard]] Instant next_timeout() const;
  [[nodiscard]] const Stats& stats() const { return stats_; }
  // The same traffic per locator (sums equal the totals in stats()).
  [[nodiscard]] const LinkCounters& link_counters() const { return links_; }

  [[nodiscard]] const NodeConfig& config() const { return config_; }
  [[nodiscard]] const std::vector<Locator>& active_locators() const { return active_; }
  [[nodiscard]] const forwarding::RouteTable& routes() const { return routes_; }
  [[nodiscard]] const discovery::NameCache& names() const { return names_; }
  [[nodiscard]] const std::set<Locator>& linked_locators() const { return linked_; }
  [[nodiscard]] const mobility::Correspondents& correspondents() const { return correspondents_; }
  [[nodiscard]] const mobility::UpdateSender& pending_updates() const { return updates_; }
  [[nodiscard]] const tun::PeerTraffic& ip_peers() const { return ip_peers_; }
  [[nodiscard]] const std::optional<security::Identity>& identity() const { return identity_; }
  [[nodiscard]] const security::PeerKeys& peer_keys() const { return peer_keys_; }
  [[nodiscard]] std::optional<Ilv> resolve(const std::string& hostname, Instant now) const {
    return names_.resolve(hostname, now);
  }
  [[nodiscard]] std::optional<Ilv> resolve(Nid nid, Instant now) const { return names_.resolve(nid, now); }
  [[nodiscard]] std::optional<std::string> name_of(Ilv ilv, Instant now) const { return names_.name_of(ilv, now); }
  // Where a datagram for `nid` goes now (the TUN's and the stream gateway's
  // one policy): a locator update outranks the name cache, and a
  // correspondent heard from lately is where it sent from.
  [[nodiscard]] std::optional<Locator> locator_of(Nid nid, Instant now) const;

 private:
  [[nodiscard]] bool is_active(Locator l) const;
  [[nodiscard]] bool is_linked(Locator l) const { return linked_.contains(l); }
  void drop(DropReason reason, const wire::Header* header, Locator arrival);
  // Counts a drop of a datagram that arrived on `arrival`, without a log line.
  void count_drop(DropReason reason, Locator arrival);
  void forward(const wire::Header& header, Locator arrival, wire::Bytes datagram, Instant now);
  void receive_discovery(const wire::Header& header, Locator arrival, wire::Bytes datagram, Instant now);
  void receive_locator_update(const wire::Header& header, Locator arrival, wire::Bytes payload, Instant now);
  void receive_transport(const wire::Header& header, Locator arrival, wire::Bytes payload, Instant now);
  void deliver_segment(const wire::Header& header, Locator arrival, wire::Bytes segment, Instant now);
  // Legacy discovery floods say which they carry (section 8, rule 6).
  enum class FloodKind { solicitation, advertisement, other };
  void flood(const wire::Header& header, Locator arrival, wire::Bytes datagram, Instant now,
             FloodKind kind = FloodKind::other);
  // Secure mode (node_secure.cpp).
  void receive_secure_discovery(const wire::Header& header, Locator arrival, wire::Bytes datagram, Instant now);
  void receive_secure_update(const wire::Header& header, Locator arrival, wire::Bytes payload, Instant now);
  void receive_sealed(const wire::Header& header, Locator arrival, wire::Bytes payload, Instant now);
  void send_secure_discovery(Locator link, bool solicitation, Instant now);
  // IP over the overlay (node_ip.cpp).
  void receive_ip(const wire::Header& header, Locator arrival, wire::Bytes datagram, Instant now);
  void receive_sealed_ip(const wire::Header& header, Locator arrival, wire::Bytes payload, Instant now);
  void deliver_ip(const wire::Header& header, wire::Buffer packet, Instant now);
  // The link a datagram to `destination` leaves on: the locator's own, its
  // route, or (during a soft handoff) the locator being left.
  [[nodiscard]] std::optional<Locator> way_to(Locator destination, Instant now);
  void send_secure_update(Locator via, Ilv peer);
  void learn_route(Locator destination, Locator arrival, Instant now, std::uint8_t hop_limit);
  void answer_solicitation(Locator arrival, Instant now);
  void rate_limited_log(Instant now, std::string what);
  void learn_name(const std::string& hostname, Ilv ilv, Locator arrival, Instant now,
                  std::optional<security::PublicKey> key = std::nullopt);
  [[nodiscard]] std::uint64_t next_wall_stamp(Instant now);
  [[nodiscard]] bool too_old(std::uint64_t stamp_us, Instant now) const;
  [[nodiscard]] bool secure() const { return config_.security.secure; }
  void send_discovery(Locator link, bool solicitation, Instant now);
  void transmit(Locator link, Ilv destination, wire::NextHeader next_header, wire::Bytes payload);
  void send_datagram(Locator link, wire::Buffer bytes);
  void join(Locator l);
  void leave(Locator l);
  void leave_old_locators();
  // move_to, with the old locators in `gone` left at once even in a soft handoff.
  void move(Instant now, std::vector<Locator> locators, const std::vector<Locator>& gone);
  void send_due_updates(Instant now);
  void on_move_due(Instant now);
  void ask_for_routes(Instant now);

  NodeConfig config_;
  Rng rng_;
  Logger log_;
  Stats stats_;
  LinkCounters links_;
  std::vector<Locator> active_;  // the current locator set (sending, discovery)
  std::set<Locator> linked_;     // groups joined on the link (active + leaving)
  forwarding::RouteTable routes_;
  forwarding::DuplicateFilter floods_;
  forwarding::DuplicateFilter forwarded_;
  forwarding::DuplicateFilter delivered_copies_;
  std::uint64_t solicitations_flooded_{0};
  discovery::NameCache names_;
  discovery::SolicitSchedule solicit_;
  forwarding::LinkBudgets answers_;  // solicitations answered per arrival link
  forwarding::LinkBudgets relays_;   // discovery floods relayed per arrival link
  forwarding::TokenBucket too_big_answers_;  // ICMPv6 Packet Too Big to the local sender
  tun::PeerTraffic ip_peers_;
  Instant next_rate_log_{};
  std::uint64_t rate_limited_since_log_{0};
  mobility::Correspondents correspondents_;
  mobility::PeerBindings peer_bindings_;
  mobility::UpdateSender updates_;
  std::size_t cycle_index_{0};
  Instant next_move_{kNever};
  Instant leave_at_{kNever};
  std::vector<Locator> leaving_;
  std::set<Locator> links_down_;
  Instant next_route_refresh_{kNever};
  Instant earliest_ask_{};
  std::optional<security::Identity> identity_;
  security::PeerKeys peer_keys_;
  std::optional<security::SealedChannels> sealed_;
  std::uint64_t last_wall_stamp_{0};
  std::uint64_t last_update_sequence_{0};
  std::set<Port> bound_;
  ActionQueue actions_;
};

}  // namespace ilnp
