// Text for people, JSON for scripts; both list the same facts.
#include "control_commands.hpp"

#include <unistd.h>

#include <sstream>

#include "ilnp/io/clock.hpp"
#include "counter_list.hpp"
#include "ilnp/store/database.hpp"
#include "json_writer.hpp"
#include "name_answer.hpp"

namespace ilnp::apps {

namespace {

// The per-locator counters of ilnp_link_*_total; drops only where nonzero.
void write_links_json(JsonWriter& j, const LinkCounters& links) {
  auto one = [&j](const std::string& locator, const LinkTraffic& t) {
    j.begin_object().key("locator").value(locator).key("datagrams_in").value(t.datagrams_in)
        .key("bytes_in").value(t.bytes_in).key("datagrams_out").value(t.datagrams_out).key("bytes_out")
        .value(t.bytes_out).key("forwarded").value(t.forwarded).key("bytes_forwarded").value(t.bytes_forwarded);
    j.key("drops").begin_object();
    for (std::size_t r = 0; r < kDropReasonCount; ++r)
      if (t.drops[r] != 0) j.key(std::string(to_string(static_cast<DropReason>(r)))).value(t.drops[r]);
    j.end_object().end_object();
  };
  j.key("links").begin_array();
  for (std::size_t i = 0; i < links.locators().size(); ++i) one(links.locators()[i].to_string(), links.traffic(i));
  if (links.overflowed()) one("other", links.overflow());
  j.end_array();
}

std::string status_json(Runtime& rt, const Metrics& metrics, Instant now) {
  auto& node = rt.node();
  JsonWriter j;
  j.begin_object();
  j.key("hostname").value(node.config().hostname);
  j.key("nid").value(node.config().nid.to_string());
  j.key("mode").value(node.config().security.secure ? "secure" : "legacy");
  if (node.identity()) j.key("public_key").value(security::to_hex(node.identity()->public_key()));
  j.key("encrypt").value(node.config().security.encrypt);
  j.key("active_locators").begin_array();
  for (auto l : node.active_locators()) j.value(l.to_string());
  j.end_array();
  j.key("joined_locators").begin_array();
  for (auto l : node.linked_locators()) j.value(l.to_string());
  j.end_array();
  j.key("routes").begin_array();
  for (const auto& [dest, r] : node.routes().routes())
    j.begin_object().key("locator").value(dest.to_string()).key("via").value(r.via.to_string())
        .key("age_s").value(to_seconds(now - r.learned)).end_object();
  j.end_array();
  j.key("names").begin_array();
  for (const auto& [host, bindings] : node.names().hosts())
    for (const auto& b : bindings)
      j.begin_object().key("hostname").value(host).key("ilv").value(b.ilv.to_string())
          .key("age_s").value(to_seconds(now - b.seen)).end_object();
  j.end_array();
  j.key("correspondents").begin_array();
  for (const auto& [nid, entry] : node.correspondents().all())
    j.begin_object().key("ilv").value(Ilv{entry.first, nid}.to_string())
        .key("idle_s").value(to_seconds(now - entry.second)).end_object();
  j.end_array();
  write_links_json(j, node.link_counters());
  if (const auto* monitor = rt.link_monitor()) {
    j.key("interfaces").begin_array();
    for (const auto& [name, up] : monitor->states()) j.begin_object().key("name").value(name).key("up").value(up).end_object();
    j.end_array();
  }
  if (const auto* tun = rt.tun_device()) {
    j.key("tun").begin_object().key("name").value(tun->name()).key("address").value(tun->address_text())
        .key("mtu").value(static_cast<std::uint64_t>(tun->mtu()));
    j.key("peers").begin_array();
    for (const auto& [nid, t] : node.ip_peers().by_recency())
      j.begin_object().key("nid").value(nid.to_string()).key("packets_out").value(t.packets_out)
          .key("bytes_out").value(t.bytes_out).key("packets_in").value(t.packets_in).key("bytes_in")
          .value(t.bytes_in).key("idle_s").value(to_seconds(now - t.last)).end_object();
    j.end_array().end_object();
  }
  j.key("pending_updates").value(static_cast<std::uint64_t>(node.pending_updates().pending().size()));
  j.key("counters").begin_object();
  for (const auto& c : counter_list(rt, metrics.persist_errors())) j.key(c.key).value(c.value);
  j.end_object();
  j.end_object();
  return j.str() + "\n";
}

// The interface, then its peers, most recently active first; the text shows
// the first kTunPeerLines (the JSON has them all, at most PeerTraffic::kMaxPeers).
void write_tun_text(std::ostringstream& o, const io::TunDevice& tun, const Node& node, Instant now) {
  constexpr std::size_t kTunPeerLines = 16;
  o << "tun: " << tun.name() << " " << tun.address_text() << " mtu " << tun.mtu() << "\n";
  const auto peers = node.ip_peers().by_recency();
  for (std::size_t i = 0; i < peers.size() && i < kTunPeerLines; ++i) {
    const auto& [nid, t] = peers[i];
    o << "  " << nid.to_string();
    if (auto host = node.names().name_of(nid)) o << " (" << *host << ")";
    o << " out " << t.packets_out << " packets " << t.bytes_out << " bytes, in " << t.packets_in << " packets "
      << t.bytes_in << " bytes, idle " << seconds_text(now - t.last) << " s\n";
  }
  if (peers.size() > kTunPeerLines) o << "  ... and " << peers.size() - kTunPeerLines << " more (--json lists all)\n";
}

std::string status_text(Runtime& rt, const Metrics& metrics, Instant now) {
  auto& node = rt.node();
  std::ostringstream o;
  o << "node " << node.config().hostname << " nid " << node.config().nid.to_string() << " ("
    << (node.config().security.secure ? "secure" : "legacy") << " mode"
    << (node.config().security.encrypt ? ", encrypting" : "") << ")\n";
  if (node.identity()) o << "public key " << security::to_hex(node.identity()->public_key()) << "\n";
  o << "locators:";
  for (auto l : node.active_locators()) o << " " << l.to_string();
  for (auto l : node.linked_locators())
    if (std::find(node.active_locators().begin(), node.active_locators().end(), l) == node.active_locators().end())
      o << " " << l.to_string() << " (leaving)";
  for (auto l : node.links_down()) o << " " << l.to_string() << " (link down)";
  if (const auto* monitor = rt.link_monitor()) {
    o << "\ninterfaces:";
    for (const auto& [name, up] : monitor->states()) o << " " << name << (up ? " up" : " down");
  }
  o << "\nroutes:\n";
  for (const auto& [dest, r] : node.routes().routes())
    o << "  " << dest.to_string() << " via " << r.via.to_string() << " age " << seconds_text(now - r.learned) << " s\n";
  o << "names:\n";
  for (const auto& [host, bindings] : node.names().hosts())
    for (const auto& b : bindings)
      o << "  " << host << " at " << b.ilv.to_string() << " age " << seconds_text(now - b.seen) << " s\n";
  o << "correspondents:\n";
  for (const auto& [nid, entry] : node.correspondents().all())
    o << "  " << Ilv{entry.first, nid}.to_string() << " idle " << seconds_text(now - entry.second) << " s\n";
  if (const auto* tun = rt.tun_device()) write_tun_text(o, *tun, node, now);
  o << "counters:";
  for (const auto& c : counter_list(rt, metrics.persist_errors()))
    if (c.value != 0) o << " " << c.key << "=" << c.value;
  o << "\n";
  return o.str();
}

std::string proxy_list(const ProxyService& service, bool json) {
  const auto& mappings = service.proxy().mappings().all();
  if (json) {
    JsonWriter j;
    j.begin_object();
    if (auto port = service.port()) j.key("proxy_port").value(static_cast<std::uint64_t>(*port));
    j.key("mappings").begin_array();
    for (const auto& [port, m] : mappings)
      j.begin_object().key("local_port").value(static_cast<std::uint64_t>(port)).key("remote").value(m.remote.to_string())
          .key("remote_port").value(static_cast<std::uint64_t>(m.remote_port))
          .key("datagrams_out").value(m.stats.datagrams_out).key("datagrams_in").value(m.stats.datagrams_in)
          .key("too_large").value(m.stats.too_large).key("unresolved").value(m.stats.unresolved)
          .key("no_route").value(m.stats.no_route).end_object();
    j.end_array().end_object();
    return j.str() + "\n";
  }
  std::ostringstream o;
  if (auto port = service.port()) o << "proxy on 127.0.0.1:" << *port << " and [::1]:" << *port << "\n";
  else o << "proxy not started\n";
  for (const auto& [port, m] : mappings)
    o << "  " << port << " -> " << m.remote.to_string() << ":" << m.remote_port << "  out " << m.stats.datagrams_out
      << " in " << m.stats.datagrams_in << " too_large " << m.stats.too_large << " unresolved " << m.stats.unresolved
      << " no_route " << m.stats.no_route << "\n";
  return o.str();
}

std::string proxy_request(ProxyService& service, std::istringstream& in) {
  std::string verb;
  in >> verb;
  std::vector<std::string> args;
  for (std::string a; in >> a;) args.push_back(a);
  bool json = !args.empty() && args.back() == "--json";
  if (json) args.pop_back();
  if (verb == "add" && args.size() == 3) {
    if (auto error = service.add(args[0], args[1], args[2])) return "error: " + *error + "\n";
    // Like the prototype's proxy_create.py, the answer is the proxy's UDP port.
    return std::to_string(*service.port()) + "\n";
  }
  if (verb == "remove" && args.size() == 1) {
    if (auto error = service.remove(args[0])) return "error: " + *error + "\n";
    return "removed " + args[0] + "\n";
  }
  if (verb == "list" && args.empty()) return proxy_list(service, json);
  return "error: usage: proxy add LOCAL_PORT REMOTE REMOTE_PORT | proxy list | proxy remove LOCAL_PORT\n";
}

// Peers and bindings as state.db has them (a second, read-only use of the
// database: WAL lets it read while the node's writer thread writes).
std::string stored_state(Runtime& rt, const std::string& what, bool json) {
  if (!rt.config().state_database) return "error: state.database is off\n";
  store::Database db(rt.config().state_dir);
  auto when = [](store::WallTime t) { return std::to_string(store::to_unix_us(t) / 1000000); };
  JsonWriter j;
  std::ostringstream o;
  j.begin_array();
  if (what == "peers") {
    for (const auto& p : db.peers()) {
      std::string hosts;
      for (const auto& h : p.hostnames) hosts += (hosts.empty() ? "" : ",") + h;
      j.begin_object().key("nid").value(p.nid.to_string()).key("hostnames").value(hosts)
          .key("key").value(p.public_key ? "yes" : "no").key("first_seen").value(when(p.first_seen))
          .key("last_seen").value(when(p.last_seen)).end_object();
      o << p.nid.to_string() << "  " << hosts << (p.public_key ? "  (key)" : "") << "  first " << when(p.first_seen)
        << " last " << when(p.last_seen) << "\n";
    }
  } else {
    for (const auto& b : db.bindings()) {
      auto expires = b.expires_at ? when(*b.expires_at) : std::string("never");
      j.begin_object().key("nid").value(b.nid.to_string()).key("locator").value(b.locator.to_string())
          .key("source").value(store::to_string(b.source)).key("learned").value(when(b.learned_at))
          .key("expires").value(expires).end_object();
      o << b.nid.to_string() << " at " << b.locator.to_string() << "  " << store::to_string(b.source) << "  learned "
        << when(b.learned_at) << " expires " << expires << "\n";
    }
  }
  j.end_array();
  return json ? j.str() + "\n" : o.str();
}

}  // namespace

std::string handle_control_request(const ControlTargets& targets, const std::string& request) {
  auto& runtime = targets.runtime;
  std::istringstream in(request);
  std::string command;
  in >> command;
  if (command == "metrics") return targets.metrics.text();
  auto now = io::now();
  if (command == "status") {
    std::string flag;
    in >> flag;
    return flag == "--json" ? status_json(runtime, targets.metrics, now) : status_text(runtime, targets.metrics, now);
  }
  if (command == "move") {
    std::string set;
    in >> set;
    try {
      auto locators = parse_locator_set(set);  // the checks network.locators gets
      runtime.log(Layer::network, Level::info, "control: move to " + set);
      runtime.driver().move_to(locators);
      return "moving to " + set + "\n";
    } catch (const ConfigError& e) {
      return std::string("error: ") + e.what() + "\n";
    }
  }
  if (command == "resolve") {
    std::string name;
    in >> name;
    return resolve_answer(runtime.node(), name, now);
  }
  if (command == "proxy") return proxy_request(targets.proxy, in);
  if (command == "peers" || command == "bindings") {
    std::string flag;
    in >> flag;
    try {
      return stored_state(runtime, command, flag == "--json");
    } catch (const std::exception& e) {
      return std::string("error: ") + e.what() + "\n";
    }
  }
  if (command == "stream") return targets.streams.handle(in);
  return "error: unknown request '" + command + "' (known: status [--json], move LOCATORS, resolve NAME, proxy ..., stream ..., metrics, peers, bindings)\n";
}

}  // namespace ilnp::apps
