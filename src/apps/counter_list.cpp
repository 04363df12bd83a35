#include "counter_list.hpp"

namespace ilnp::apps {

namespace {
class ListBuilder {
 public:
  // One metric with one sample: key and metric are "NAME" and "ilnp_NAME_total".
  void total(std::string key, std::string_view metric, std::string_view help, std::uint64_t value) {
    out_.push_back(NamedCounter{std::move(key), metric, {}, help, value});
  }
  // One sample of a labelled metric.
  void sample(std::string key, std::string_view metric, std::string labels, std::string_view help,
              std::uint64_t value) {
    out_.push_back(NamedCounter{std::move(key), metric, std::move(labels), help, value});
  }
  void append(std::vector<NamedCounter> more) { out_.insert(out_.end(), more.begin(), more.end()); }
  [[nodiscard]] std::vector<NamedCounter> take() { return std::move(out_); }

 private:
  std::vector<NamedCounter> out_;
};

std::string label(std::string_view name, std::string_view value) {
  return std::string(name) + "=\"" + std::string(value) + "\"";
}

void node_counters(ListBuilder& b, const Stats& s) {
  b.total("datagrams_in", "ilnp_datagrams_in_total", "Overlay datagrams received.", s.datagrams_in);
  b.total("bytes_in", "ilnp_bytes_in_total", "Bytes of overlay datagrams received.", s.bytes_in);
  b.total("datagrams_out", "ilnp_datagrams_out_total", "Overlay datagrams sent (forwarded included).", s.datagrams_out);
  b.total("bytes_out", "ilnp_bytes_out_total", "Bytes of overlay datagrams sent.", s.bytes_out);
  b.total("forwarded", "ilnp_forwarded_total", "Datagrams forwarded to another locator.", s.forwarded);
  b.total("delivered", "ilnp_delivered_total", "Datagrams delivered to a local port.", s.delivered);
  b.total("solicitations_sent", "ilnp_solicitations_sent_total", "Discovery solicitations sent.", s.solicitations_sent);
  b.total("advertisements_sent", "ilnp_advertisements_sent_total", "Discovery advertisements sent.",
          s.advertisements_sent);
  b.total("moves", "ilnp_moves_total", "Changes of this node's locators.", s.moves);
  constexpr std::string_view link_events = "ilnp_link_events_total";
  constexpr std::string_view link_events_help = "The links of this node's locators going down or coming up.";
  b.sample("link_downs", link_events, label("event", "down"), link_events_help, s.link_downs);
  b.sample("link_ups", link_events, label("event", "up"), link_events_help, s.link_ups);
  b.total("updates_sent", "ilnp_locator_updates_sent_total", "Locator updates sent to correspondents.",
          s.updates_sent);
  b.total("updates_acknowledged", "ilnp_locator_updates_acknowledged_total", "Locator updates acknowledged.",
          s.updates_acknowledged);
  b.total("updates_given_up", "ilnp_locator_updates_given_up_total", "Locator updates never acknowledged.",
          s.updates_given_up);
  b.total("updates_received", "ilnp_locator_updates_received_total", "Locator updates received and accepted.",
          s.updates_received);
  b.total("ip_sent", "ilnp_ip_sent_total", "IP packets from the TUN sent over the overlay.", s.ip_sent);
  b.total("ip_delivered", "ilnp_ip_delivered_total", "IP packets from the overlay written to the TUN.",
          s.ip_delivered);
  b.total("ip_too_big_answered", "ilnp_ip_too_big_answered_total",
          "ICMPv6 Packet Too Big sent to local programs (rate-limited).", s.ip_too_big_answered);
  for (std::size_t i = 0; i < kDropReasonCount; ++i) {
    auto reason = to_string(static_cast<DropReason>(i));
    b.sample("drop_" + std::string(reason), "ilnp_drops_total", label("reason", reason), "Datagrams dropped, by reason.",
             s.drops[i]);
  }
}

void multicast_link_counters(ListBuilder& b, const io::LinkStats& l) {
  b.total("link_own_echoes", "ilnp_link_own_echoes_total", "Our own multicast datagrams heard back (dropped).",
          l.own_echoes);
  b.total("link_foreign_group", "ilnp_link_foreign_group_total", "Datagrams for a group this node did not join.",
          l.foreign_group);
  b.total("link_send_errors", "ilnp_link_send_errors_total", "Sends the multicast socket refused.", l.send_errors);
  b.total("link_send_queue_drops", "ilnp_link_send_queue_drops_total", "Datagrams dropped: send queue full.",
          l.send_queue_drops);
  b.total("link_emulated_drops", "ilnp_link_emulated_drops_total", "Datagrams dropped by the configured loss emulation.",
          l.emulated_drops);
  b.total("link_join_retries", "ilnp_link_join_retries_total", "Attempts to join groups the interface could not take yet.",
          l.join_retries);
}

void hub_link_counters(ListBuilder& b, const io::HubLink& hub) {
  const auto l = hub.stats();
  const auto& m = hub.member_counters();
  constexpr std::string_view datagrams = "ilnp_hub_datagrams_total";
  constexpr std::string_view datagrams_help = "Overlay datagrams through relay hubs.";
  b.sample("hub_received", datagrams, label("direction", "in"), datagrams_help, l.received);
  b.sample("hub_sent", datagrams, label("direction", "out"), datagrams_help, l.sent);
  b.total("hub_send_errors", "ilnp_hub_send_errors_total", "Sends to a hub the socket refused.", l.send_errors);
  constexpr std::string_view registrations = "ilnp_hub_registrations_total";
  constexpr std::string_view registrations_help = "Registrations with hubs: sent, and the hubs' answers.";
  b.sample("hub_registrations_sent", registrations, label("result", "sent"), registrations_help, m.registrations_sent);
  b.sample("hub_registrations_accepted", registrations, label("result", "accepted"), registrations_help, m.accepted);
  b.sample("hub_registrations_refused", registrations, label("result", "refused"), registrations_help, m.refused);
  b.total("hub_unknown_sender_notices", "ilnp_hub_unknown_sender_notices_total",
          "Hub notices that it did not know this node (a NAT rebinding or an expired membership).", m.notices);
  b.total("hub_ignored_control", "ilnp_hub_ignored_control_total",
          "Hub control frames malformed or not for our locators.", m.ignored_control);
}

void control_counters(ListBuilder& b, const io::ControlServerStats& c) {
  constexpr std::string_view sessions = "ilnp_control_sessions_total";
  constexpr std::string_view help = "Control connections by outcome.";
  b.sample("control_sessions", sessions, label("outcome", "served"), help, c.sessions);
  b.sample("control_sessions_refused", sessions, label("outcome", "refused_too_many"), help, c.sessions_refused);
  b.sample("control_sessions_timed_out", sessions, label("outcome", "timed_out"), help, c.sessions_timed_out);
  b.sample("control_requests_too_long", sessions, label("outcome", "request_too_long"), help, c.requests_too_long);
  b.total("control_accept_errors", "ilnp_control_accept_errors_total",
          "Failed accepts on the control socket (EMFILE...).", c.accept_errors);
}
}  // namespace

std::vector<NamedCounter> link_counter_list(const Runtime& rt) {
  ListBuilder b;
  multicast_link_counters(b, rt.link().stats());
  if (const auto* hub = rt.hub_link()) hub_link_counters(b, *hub);
  if (const auto* tun = rt.tun_device()) {
    const auto& t = tun->stats();
    constexpr std::string_view packets = "ilnp_tun_packets_total";
    constexpr std::string_view help = "Packets through the TUN interface.";
    b.sample("tun_read", packets, label("direction", "read"), help, t.packets_read);
    b.sample("tun_written", packets, label("direction", "written"), help, t.packets_written);
    b.total("tun_write_errors", "ilnp_tun_write_errors_total", "Packets the TUN refused (its queue full).",
            t.write_errors);
    b.total("tun_read_errors", "ilnp_tun_read_errors_total", "Failed reads from the TUN.", t.read_errors);
  }
  if (const auto* monitor = rt.link_monitor()) {
    const auto& m = monitor->stats();
    b.total("netlink_messages", "ilnp_netlink_messages_total", "rtnetlink link messages decoded.", m.messages);
    b.total("netlink_malformed", "ilnp_netlink_malformed_total", "rtnetlink data that did not parse (dropped).",
            m.malformed);
    b.total("netlink_overruns", "ilnp_netlink_overruns_total",
            "rtnetlink notifications the kernel dropped (the interfaces were read again).", m.overruns);
  }
  return b.take();
}

std::vector<NamedCounter> counter_list(Runtime& rt, const std::vector<PersistError>& persist_errors) {
  ListBuilder b;
  node_counters(b, rt.node().stats());
  b.append(link_counter_list(rt));
  for (const auto& e : persist_errors)
    b.sample("persist_errors_" + std::string(e.what), "ilnp_persist_errors_total", label("what", e.what),
             "Writes to disk that failed or were dropped, by what was written (records, files or lines lost).",
             e.count);
  if (const auto* control = rt.control()) control_counters(b, control->stats());
  return b.take();
}

}  // namespace ilnp::apps
