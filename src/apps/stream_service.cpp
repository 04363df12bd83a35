// Argument parsing and the text and JSON of `stream list`; the gateway does
// the rest.
#include "stream_service.hpp"

#include <charconv>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "config_lists.hpp"
#include "json_writer.hpp"

namespace ilnp::apps {

namespace {

constexpr const char* kUsage =
    "error: usage: stream listen LOCAL_TCP_PORT REMOTE SERVICE | "
    "stream serve SERVICE TCP_HOST:TCP_PORT [allow PEER...] | "
    "stream unlisten LOCAL_TCP_PORT | stream unserve SERVICE | stream list\n";

std::optional<Port> parse_port(std::string_view text) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535) return std::nullopt;
  return static_cast<Port>(value);
}

// "host:port", "[v6 address]:port".
std::optional<std::pair<std::string, Port>> parse_target(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  auto port = parse_port(std::string_view(text).substr(colon + 1));
  if (!port) return std::nullopt;
  auto host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return std::pair{host, *port};
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::string fixed(double value, int digits = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, value);
  return buf;
}

// One "key": value; integers of any width as unsigned.
template <class T>
void put(JsonWriter& j, std::string_view key, const T& value) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
    j.key(key).value(static_cast<std::uint64_t>(value));
  else
    j.key(key).value(value);
}

void stream_json(JsonWriter& j, const io::StreamInfo& s) {
  j.begin_object();
  put(j, "id", s.id);
  put(j, "direction", s.outbound ? "out" : "in");
  put(j, "peer", s.peer);
  put(j, "service", s.service);
  put(j, "tcp", s.tcp);
  if (s.stream_id >= 0) put(j, "sctp_stream", s.stream_id);
  put(j, "state", s.state);
  put(j, "bytes_out", s.bytes_out);
  put(j, "bytes_in", s.bytes_in);
  put(j, "age_s", s.age_s);
  put(j, "error", s.error);
  j.end_object();
}

std::string stream_text(const io::StreamInfo& s) {
  std::string text = "  " + std::to_string(s.id) + " " +
                     (s.outbound ? s.tcp + " -> " + s.peer : s.peer + " -> " + s.tcp) + " service " + s.service;
  if (s.stream_id >= 0) text += " (SCTP stream " + std::to_string(s.stream_id) + ")";
  text += "  " + s.state + ", " + std::to_string(s.bytes_out) + " bytes out, " + std::to_string(s.bytes_in) +
          " bytes in, " + fixed(s.age_s) + " s";
  if (!s.error.empty()) text += "\n      error: " + s.error;
  return text + "\n";
}

}  // namespace

StreamService::StreamService(Runtime& runtime) : rt_(runtime) {
  // Moves and relocations confirm the associations' paths at once.
  rt_.subscribe([this](const Event& e) {
    if (gateway_) gateway_->on_event(e);
  });
}
StreamService::~StreamService() {
  auto gateway = std::move(gateway_);  // notices during its teardown find no gateway
}

std::optional<std::string> StreamService::start() {
  if (gateway_) return std::nullopt;
  try {
    const auto& levels = rt_.config().log_levels;
    Logger logger([this](Layer l, Level v, std::string_view t) { rt_.log(l, v, std::string(t)); }, levels);
    gateway_ = std::make_unique<io::StreamGateway>(rt_.io(), rt_.driver(), std::move(logger),
                                                   io::StreamGatewayOptions{.port = rt_.config().stream_port});
    return std::nullopt;
  } catch (const std::exception& e) {
    return std::string("cannot start the stream gateway: ") + e.what();
  }
}

std::string StreamService::handle(std::istringstream& in) {
  std::string verb;
  in >> verb;
  std::vector<std::string> args;
  for (std::string a; in >> a;) args.push_back(a);
  bool json = !args.empty() && args.back() == "--json";
  if (json) args.pop_back();
  if (verb == "list" && args.empty()) return list(json);
  if (verb == "listen" && args.size() == 3) {
    auto port = parse_port(args[0]);
    if (!port) return "error: '" + args[0] + "' is not a port (1-65535)\n";
    auto remote = proxy::Remote::parse(args[1]);
    if (!remote) return "error: '" + args[1] + "' is not a hostname, NID (ffff:0:0:b) or locator:NID\n";
    if (auto error = start()) return "error: " + *error + "\n";
    if (auto error = gateway_->listen(*port, std::move(*remote), args[2])) return "error: " + *error + "\n";
    return "listening on 127.0.0.1:" + args[0] + " for " + args[1] + " service " + args[2] + "\n";
  }
  if (verb == "serve" && args.size() >= 2) {
    auto target = parse_target(args[1]);
    if (!target) return "error: '" + args[1] + "' is not TCP_HOST:TCP_PORT\n";
    auto allowed = parse_serve_allow(std::span(args).subspan(2));
    if (auto* why = std::get_if<std::string>(&allowed)) return "error: " + *why + "\n";
    auto& allow = std::get<proxy::PeerAllowList>(allowed);
    if (auto error = start()) return "error: " + *error + "\n";
    auto to = allow.any_peer() ? std::string("any peer") : allow.to_string();
    if (auto error = gateway_->serve(args[0], target->first, target->second, allow)) return "error: " + *error + "\n";
    warn_if_unauthenticated(allow);
    return "serving " + args[0] + " with " + args[1] + " to " + to + "\n";
  }
  if (verb == "unlisten" && args.size() == 1) {
    auto port = parse_port(args[0]);
    if (!port) return "error: '" + args[0] + "' is not a port (1-65535)\n";
    if (!gateway_) return "error: no stream listener on TCP port " + args[0] + "\n";
    if (auto error = gateway_->unlisten(*port)) return "error: " + *error + "\n";
    return "removed the listener on " + args[0] + "\n";
  }
  if (verb == "unserve" && args.size() == 1) {
    if (!gateway_) return "error: no stream service " + args[0] + "\n";
    if (auto error = gateway_->unserve(args[0])) return "error: " + *error + "\n";
    return "no longer serving " + args[0] + "\n";
  }
  return kUsage;
}

void StreamService::warn_if_unauthenticated(const proxy::PeerAllowList& allow) {
  const auto& security = rt_.config().node.security;
  if (allow.any_peer() || (security.secure && security.encrypt) || std::exchange(unauthenticated_warned_, true))
    return;
  // Stream packets are transport datagrams: only sealed ones prove their
  // source NID (proto/README.md section 9).
  rt_.log(Layer::transport, Level::warn,
          std::string("a stream service has an allow-list, but ") +
              (security.secure ? "without security.encrypt transport datagrams are not authenticated"
                               : "legacy mode does not authenticate NIDs") +
              ": any overlay node can claim an allowed NID, so the list keeps out honest peers only "
              "(secure mode with security.encrypt = true makes it access control)");
}

std::string StreamService::list(bool json) {
  if (!gateway_) return json ? "{\"started\":false}\n" : "stream gateway not started (no listener or service yet)\n";
  auto s = gateway_->snapshot();
  const auto& c = s.counters;
  if (json) {
    JsonWriter j;
    j.begin_object();
    put(j, "started", true);
    put(j, "port", s.port);
    put(j, "mtu", s.mtu);
    j.key("listeners").begin_array();
    for (const auto& l : s.listeners) {
      j.begin_object();
      put(j, "tcp_port", l.tcp_port);
      put(j, "remote", l.remote);
      put(j, "service", l.service);
      put(j, "accepted", l.accepted);
      put(j, "failed", l.failed);
      put(j, "last_error", l.last_error);
      j.end_object();
    }
    j.end_array().key("services").begin_array();
    for (const auto& v : s.services) {
      j.begin_object();
      put(j, "name", v.name);
      put(j, "target", v.target);
      j.key("allow").begin_array();
      for (const auto& peer : v.allow) j.value(peer);
      j.end_array();
      put(j, "accepted", v.accepted);
      put(j, "failed", v.failed);
      put(j, "refused", v.refused);
      put(j, "last_error", v.last_error);
      j.end_object();
    }
    j.end_array().key("peers").begin_array();
    for (const auto& p : s.peers) {
      j.begin_object();
      put(j, "nid", p.nid);
      put(j, "hostname", p.hostname);
      put(j, "last_seen", p.last_seen);
      put(j, "up", p.up);
      put(j, "streams", p.streams);
      put(j, "packets_out", p.packets_out);
      put(j, "packets_in", p.packets_in);
      put(j, "unsent", p.unsent);
      put(j, "last_error", p.last_error);
      if (p.sctp) {
        j.key("sctp").begin_object();
        put(j, "state", p.sctp->state);
        put(j, "cwnd", p.sctp->cwnd);
        put(j, "srtt_ms", p.sctp->srtt_ms);
        put(j, "rto_ms", p.sctp->rto_ms);
        put(j, "path_mtu", p.sctp->mtu);
        put(j, "peer_rwnd", p.sctp->peer_rwnd);
        j.end_object();
      }
      j.end_object();
    }
    j.end_array().key("streams").begin_array();
    for (const auto& st : s.streams) stream_json(j, st);
    j.end_array().key("closed").begin_array();
    for (const auto& st : s.closed) stream_json(j, st);
    j.end_array().key("counters").begin_object();
    put(j, "packets_out", c.packets_out);
    put(j, "packets_in", c.packets_in);
    put(j, "largest_packet", c.largest_packet);
    put(j, "no_route", c.no_route);
    put(j, "unresolved", c.unresolved);
    put(j, "too_large", c.too_large);
    put(j, "protocol_errors", c.protocol_errors);
    put(j, "refused_peers", c.refused_peers);
    put(j, "refused_not_allowed", c.refused_not_allowed);
    put(j, "sctp_packets_out", c.sctp.packets_out);
    put(j, "sctp_packets_in", c.sctp.packets_in);
    put(j, "sctp_retransmitted_chunks", c.sctp.retransmitted_chunks);
    put(j, "sctp_fast_retransmits", c.sctp.fast_retransmits);
    put(j, "sctp_data_timeouts", c.sctp.data_timeouts);
    put(j, "sctp_marked_retransmits", c.sctp.marked_retransmits);
    put(j, "sctp_window_probes", c.sctp.window_probes);
    put(j, "sctp_bad_checksums", c.sctp.bad_checksums);
    j.end_object().end_object();
    return j.str() + "\n";
  }
  std::string o = "stream gateway on transport port " + std::to_string(s.port) + ", SCTP packets of at most " +
                  std::to_string(s.mtu) + " bytes\nlisteners:\n";
  for (const auto& l : s.listeners) {
    o += "  127.0.0.1:" + std::to_string(l.tcp_port) + " -> " + l.remote + " service " + l.service + "  accepted " +
         std::to_string(l.accepted) + ", failed " + std::to_string(l.failed) + "\n";
    if (!l.last_error.empty()) o += "      last error: " + l.last_error + "\n";
  }
  o += "services:\n";
  for (const auto& v : s.services) {
    o += "  " + v.name + " -> " + v.target + " for " + (v.allow.empty() ? "any peer" : joined(v.allow)) +
         "  accepted " + std::to_string(v.accepted) + ", failed " + std::to_string(v.failed) + " (" +
         std::to_string(v.refused) + " not allowed)\n";
    if (!v.last_error.empty()) o += "      last error: " + v.last_error + "\n";
  }
  o += "peers:\n";
  for (const auto& p : s.peers) {
    o += "  " + (p.hostname.empty() ? p.nid : p.hostname + " (" + p.nid + ")") +
         (p.last_seen.empty() ? "" : " last seen at " + p.last_seen) + "  " + (p.up ? "up" : "down") + ", " +
         std::to_string(p.streams) + " streams, packets out " + std::to_string(p.packets_out) + " in " +
         std::to_string(p.packets_in) + " unsent " + std::to_string(p.unsent) + "\n";
    if (p.sctp)
      o += "      SCTP " + p.sctp->state + ": cwnd " + std::to_string(p.sctp->cwnd) + ", srtt " +
           std::to_string(p.sctp->srtt_ms) + " ms, rto " + std::to_string(p.sctp->rto_ms) + " ms, path mtu " +
           std::to_string(p.sctp->mtu) + ", peer rwnd " + std::to_string(p.sctp->peer_rwnd) + "\n";
    if (!p.last_error.empty()) o += "      last error: " + p.last_error + "\n";
  }
  o += "streams:\n";
  for (const auto& st : s.streams) o += stream_text(st);
  if (!s.closed.empty()) {
    o += "recently closed:\n";
    for (const auto& st : s.closed) o += stream_text(st);
  }
  o += "counters: packets_out=" + std::to_string(c.packets_out) + " packets_in=" + std::to_string(c.packets_in) +
       " largest_packet=" + std::to_string(c.largest_packet) + " no_route=" + std::to_string(c.no_route) +
       " unresolved=" + std::to_string(c.unresolved) + " too_large=" + std::to_string(c.too_large) +
       " protocol_errors=" + std::to_string(c.protocol_errors) +
       " refused_not_allowed=" + std::to_string(c.refused_not_allowed) +
       " sctp_retransmitted_chunks=" + std::to_string(c.sctp.retransmitted_chunks) +
       " sctp_data_timeouts=" + std::to_string(c.sctp.data_timeouts) +
       " sctp_bad_checksums=" + std::to_string(c.sctp.bad_checksums) + "\n";
  return o;
}

}  // namespace ilnp::apps
