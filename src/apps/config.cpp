// One table of keys drives --help, defaults and validation, so they cannot
// disagree. Values are kept as text until validated here.
#include "config.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <net/if.h>
#include <regex>
#include <sstream>

#include <arpa/inet.h>

#include "ilnp/core/wire/messages.hpp"
#include "config_lists.hpp"
#include "config_values.hpp"
#include "ini_file.hpp"

namespace po = boost::program_options;

namespace ilnp::apps {

namespace {

struct KeySpec {
  const char* key;
  const char* default_value;  // nullptr: no default
  const char* help;
};

constexpr KeySpec kKeys[] = {
    {"link.mcast_port", "10000", "UDP port that every node binds (1-65535)"},
    {"link.mcast_interface", nullptr,
     "network interface to join locator groups on, e.g. eth0 (required unless every locator is hub-backed or "
     "names its interface)"},
    {"link.hubs", nullptr,
     "locators backed by a relay hub (`ilnp hub`) instead of a multicast group: 'LOCATOR@HOST:PORT', several "
     "separated by commas (also written in network.locators, e.g. 0:0:0:e@hub.example.org:10010)"},
    {"link.hub_keepalive", "25",
     "seconds between re-registrations with a hub: keeps NAT bindings and the membership alive (1-3600)"},
    {"link.buffer_size", "1440", "largest datagram in bytes, header included (80-65487)"},
    {"link.loopback", "true", "also hear nodes on this host (needed when several nodes share one host)"},
    {"link.emulate_loss", "0", "emulated loss on send, a probability 0-1 (for experiments without tc netem)"},
    {"link.emulate_delay", "0", "emulated delay added on send, in seconds (for experiments without tc netem)"},
    {"link.log", "false", "link log: true (=info), false (=warn) or error|warn|info|debug"},
    {"network.locators", nullptr,
     "locators (required): 'a, b' joins both; 'a-b-c' moves through a, b, c (e.g. 0:0:0:a-0:0:0:b); "
     "'0:0:0:a%eth0, 0:0:0:b%wlan0' joins each on its own interface (default: link.mcast_interface); "
     "'0:0:0:e%eth1@HOST:PORT' reaches the hub of e from eth1"},
    {"network.nid", nullptr, "64-bit node identifier as four hex groups, e.g. ffff:0:0:a (default: random)"},
    {"network.default_hop_limit", "3", "hop limit of datagrams this node sends (1-255)"},
    {"network.backwards_learning_ttl", "30", "seconds a learned route lives without confirmation"},
    {"network.active_unicast_session_ttl", "30", "seconds a correspondent counts as active (for locator updates)"},
    {"network.moves", "cycle",
     "what moves the node: cycle (every move_time through the sets of network.locators) or links (when the "
     "interfaces of its locators go down and up; one set, most preferred locator first)"},
    {"network.move_time", "20", "seconds between moves of a mobile node"},
    {"network.handoff_time", "10", "seconds old and new locators overlap in a move (0: hard handoff)"},
    {"network.loc_update_retries", "3", "locator update retransmissions before giving up"},
    {"network.loc_update_retry_wait_time", "1", "seconds between locator update retransmissions"},
    {"network.log", "false", "network log: true (=info), false (=warn) or error|warn|info|debug"},
    {"transport.log", "false", "transport log: true (=info), false (=warn) or a level"},
    {"discovery.hostname", nullptr, "this node's name in discovery (default: the machine's host name)"},
    {"discovery.wait_time", "30", "seconds between solicitations (names live 3 x wait_time)"},
    {"discovery.log", "false", "discovery log: true (=info), false (=warn) or a level"},
    {"application.port", nullptr, "transport port the application binds (1-65535)"},
    {"application.remote_hostname", nullptr, "host the application sends to"},
    {"application.remote_port", nullptr, "port the application sends to (1-65535)"},
    {"application.run_time", nullptr, "seconds the experiment runs (default: until stopped)"},
    {"application.wait_time", "0.1", "experiment: seconds between datagrams (0: as fast as possible)"},
    {"application.print_datagrams", "true", "experiment: print one line per datagram sent or received"},
    {"application.progress", "0", "experiment: seconds between progress lines (sent, received, lost); 0: none"},
    {"application.results", nullptr,
     "experiment: also record every datagram and handoff event in this SQLite results file"},
    {"application.log", "false", "application log: true (=info), false (=warn) or a level"},
    {"proxy.port", nullptr, "open the local UDP proxy on 127.0.0.1/::1 at this port at start (0: any free port)"},
    {"proxy.mappings", nullptr,
     "proxy mappings made at start: 'LOCAL_PORT REMOTE REMOTE_PORT', several separated by commas"},
    {"stream.port", "9899", "overlay transport port the stream gateway (SCTP over the overlay) uses on every node"},
    {"stream.serve", nullptr,
     "stream services offered at start, as `ilnp ctl stream serve`: 'SERVICE TCP_HOST:TCP_PORT [allow PEER...]', "
     "several separated by commas (e.g. ssh 127.0.0.1:22 allow alice ffff:0:0:d, web 127.0.0.1:80); without allow "
     "any overlay node may open the service"},
    {"stream.listen", nullptr,
     "stream listeners opened at start, as `ilnp ctl stream listen`: 'LOCAL_TCP_PORT REMOTE SERVICE', several "
     "separated by commas (e.g. 6000 bob ssh)"},
    {"tun.enable", "false",
     "create a TUN interface with this node's identifier address (tun.prefix + NID) and carry IP over the overlay "
     "(needs CAP_NET_ADMIN)"},
    {"tun.name", "ilnp0", "name of the TUN interface"},
    {"tun.names_dir", "/run/ilnp-names",
     "directory of the names socket (HOSTNAME.sock, open to every local user) the NSS module asks for "
     "HOSTNAME.ilnp; empty: no names socket"},
    {"tun.prefix", "fd69:6c6e:7000::/64",
     "the /64 every node's identifier address starts with (the same on every node; default: unique-local, "
     "'ilnp' in its global ID)"},
    {"security.mode", "auto",
     "secure (signed discovery and updates), legacy (the prototype's wire, unauthenticated), or auto: "
     "legacy when network.nid is set, else secure"},
    {"security.encrypt", "false", "secure mode: seal transport datagrams end to end (28 bytes per datagram)"},
    {"security.rekey_after", "1073741824", "sealed datagrams per key epoch before a new key is derived"},
    {"security.max_message_age", "600",
     "seconds: signed messages older or newer than this by our clock are refused (0: no limit, for unsynced clocks)"},
    {"security.pin", nullptr, "keys peers must use: 'HOSTNAME:PUBLIC_KEY_HEX', several separated by commas"},
    {"security.state_dir", nullptr,
     "where identity.key and state.db live (default: $XDG_STATE_HOME/ilnp/HOSTNAME, /var/lib/ilnp/HOSTNAME for root)"},
    {"state.database", "true", "keep peers, bindings and counters in state.db and restore them at start"},
    {"metrics.textfile", nullptr,
     "write Prometheus metrics to this file every 5 s (node_exporter textfile collector, e.g. "
     "/var/lib/prometheus/node-exporter/ilnp.prom)"},
    {"trace.pcap", nullptr,
     "write every datagram this node sends and receives, per link, to this pcap file (open it with "
     "proto/wireshark/ilnp-overlay.lua)"},
    {"trace.pcap_max_bytes", "100000000", "trace.pcap stops growing at this size in bytes (0: no limit)"},
    {"log.file", nullptr, "append logs to this file instead of standard error"},
    {"control.socket", nullptr,
     "control socket for `ilnp ctl` (default: $XDG_RUNTIME_DIR/ilnp/HOSTNAME.sock, /run/ilnp/... for root)"},
};

// Spellings found in the prototype's code and README.
const std::map<std::string, std::string> kAliases = {
    {"network.active_uncast_session_ttl", "network.active_unicast_session_ttl"},
};

std::string trim(std::string s) {
  auto b = s.find_first_not_of(" \t\n");
  auto e = s.find_last_not_of(" \t\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::string take_hub_bindings(const ConfigValues& values, const std::string& key, const std::string& text,
                              std::map<Locator, std::string>& hubs);

std::string take_interface_bindings(const ConfigValues& values, const std::string& key, const std::string& text,
                                    std::map<Locator, std::string>& interfaces);

std::vector<std::vector<Locator>> parse_locator_cycle(const ConfigValues& values, std::map<Locator, std::string>& hubs,
                                                      std::map<Locator, std::string>& interfaces) {
  const std::string key = "network.locators";
  auto text = values.get(key);
  if (!text || trim(*text).empty()) values.fail(key, "no locators given (e.g. locators = 0:0:0:a)");
  text = take_hub_bindings(values, key, *text, hubs);
  text = take_interface_bindings(values, key, *text, interfaces);
  std::vector<std::vector<Locator>> cycle;
  std::size_t start = 0;
  for (;;) {
    auto dash = text->find('-', start);
    try {
      cycle.push_back(parse_locator_set(text->substr(start, dash == std::string::npos ? std::string::npos : dash - start)));
    } catch (const ConfigError& e) {
      values.fail(key, e.what());
    }
    if (dash == std::string::npos) break;
    start = dash + 1;
  }
  return cycle;
}

// "0:0:0:e@hub.example.org:10010" in network.locators or link.hubs: records
// the hub of each locator and returns the text without the "@HOST:PORT" parts
// ("0:0:0:e%eth1@HOST:PORT" keeps its "%eth1" for take_interface_bindings).
std::string take_hub_bindings(const ConfigValues& values, const std::string& key, const std::string& text,
                              std::map<Locator, std::string>& hubs) {
  // Lazy host, then a port followed by the end or a separator: hostnames may contain '-'.
  static const std::regex kBinding(
      R"(([0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){3})(\s*%\s*[^\s,/:%@]+)?\s*@\s*(\[[^\]]*\]|[^\s,\[\]@]+?):([0-9]{1,5})(?=$|[\s,-]))");
  std::string rest;
  auto from = text.cbegin();
  for (std::sregex_iterator it(text.begin(), text.end(), kBinding), end; it != end; ++it) {
    const auto& m = *it;
    auto locator = *Locator::parse(m[1].str());
    auto port = std::stoul(m[4].str());
    if (port == 0 || port > 65535) values.fail(key, "'" + m.str() + "': the hub's port must be 1-65535");
    auto hub = m[3].str() + ":" + m[4].str();
    if (auto [at, added] = hubs.emplace(locator, hub); !added && at->second != hub)
      values.fail(key, "locator " + locator.to_string() + " is bound to two hubs (" + at->second + ", " + hub + ")");
    rest.append(from, m[0].first).append(m[1].str()).append(m[2].str());
    from = m[0].second;
  }
  rest.append(from, text.cend());
  if (rest.find('@') != std::string::npos)
    values.fail(key, "'" + text + "': a hub binding is LOCATOR@HOST:PORT, e.g. 0:0:0:e@hub.example.org:10010");
  return rest;
}

// "0:0:0:b%wlan0" in network.locators: the locator's group is joined on
// wlan0 instead of link.mcast_interface. Returns the text without the
// "%IFNAME" parts. Interface names may hold '-' (the separator of the move
// cycle): a name ends at a separator, or at a '-' that starts a locator.
std::string take_interface_bindings(const ConfigValues& values, const std::string& key, const std::string& text,
                                    std::map<Locator, std::string>& interfaces) {
  static const std::regex kBinding(
      R"(([0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){3})\s*%\s*([^\s,/:%@]+?)(?=$|[\s,]|-[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){3}))");
  std::string rest;
  auto from = text.cbegin();
  for (std::sregex_iterator it(text.begin(), text.end(), kBinding), end; it != end; ++it) {
    const auto& m = *it;
    auto locator = *Locator::parse(m[1].str());
    auto name = m[2].str();
    if (name.size() >= IF_NAMESIZE) values.fail(key, "'" + m.str() + "': an interface name has at most 15 characters");
    if (auto [at, added] = interfaces.emplace(locator, name); !added && at->second != name)
      values.fail(key, "locator " + locator.to_string() + " is bound to two interfaces (" + at->second + ", " + name + ")");
    rest.append(from, m[0].first).append(m[1].str());
    from = m[0].second;
  }
  rest.append(from, text.cend());
  if (rest.find('%') != std::string::npos)
    values.fail(key, "'" + text + "': an interface binding is LOCATOR%INTERFACE, e.g. 0:0:0:b%wlan0");
  return rest;
}

Duration to_duration(double s) { return seconds_f(s); }

std::string machine_hostname() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "ilnp-node";
  return buf;
}

}  // namespace

po::options_description config_options() {
  po::options_description desc("Configuration keys (in an INI file as [section] key = value, or --section.key=value)");
  for (const auto& spec : kKeys) {
    auto* value = po::value<std::string>()->value_name("VALUE");
    if (spec.default_value) value->default_value(spec.default_value);
    desc.add_options()(spec.key, value, spec.help);
  }
  return desc;
}

Config load_config(const std::optional<std::string>& file,
                   const std::vector<std::pair<std::string, std::string>>& command_line) {
  std::map<std::string, std::string> defaults;
  for (const auto& spec : kKeys)
    if (spec.default_value) defaults.emplace(spec.key, spec.default_value);
  ConfigValues values(std::move(defaults));
  Config config;
  auto known = [](const std::string& key) {
    return std::any_of(std::begin(kKeys), std::end(kKeys), [&](const KeySpec& s) { return key == s.key; });
  };
  if (file) {
    try {
      for (auto& entry : read_ini_file(*file)) {
        auto key = entry.key;
        if (auto alias = kAliases.find(key); alias != kAliases.end()) key = alias->second;
        auto origin = *file + ":" + std::to_string(entry.line);
        if (!known(key)) {
          config.warnings.push_back(origin + ": unknown key '" + entry.key + "' ignored");
          continue;
        }
        // The reader refuses a repeated key; a key and its alias are one key too.
        if (values.given(key))
          throw ConfigError(origin + ": " + key + ": already set at " + values.origin(key) + " (a key may appear once)");
        values.set(key, entry.value, *file, entry.line);
      }
    } catch (const IniError& e) {
      throw ConfigError(e.what());
    }
  }
  for (const auto& [key, value] : command_line) values.set(key, value, "", 0);

  auto& node = config.node;
  auto& link = config.link;
  link.port = static_cast<std::uint16_t>(values.integer("link.mcast_port", 1, 65535));
  auto& hubs = config.hub_link.hubs;
  if (auto bindings = values.get("link.hubs")) {
    std::istringstream rest(take_hub_bindings(values, "link.hubs", *bindings, hubs));
    for (std::string item; std::getline(rest, item, ',');)
      if (auto l = Locator::parse(trim(item)); !trim(item).empty() && (!l || !hubs.contains(*l)))
        values.fail("link.hubs", "'" + trim(item) + "' is not LOCATOR@HOST:PORT (e.g. 0:0:0:e@127.0.0.1:10010)");
  }
  node.locator_cycle = parse_locator_cycle(values, hubs, link.bound);
  for (const auto& [locator, name] : link.bound)
    if (::if_nametoindex(name.c_str()) == 0)
      values.fail("network.locators", "locator " + locator.to_string() + "%" + name + ": no network interface named '" +
                                          name + "' on this machine");
  // A hub-backed locator bound to an interface reaches its hub from there.
  for (auto it = link.bound.begin(); it != link.bound.end();)
    if (hubs.contains(it->first)) {
      config.hub_link.interfaces.insert(*it);
      it = link.bound.erase(it);
    } else {
      ++it;
    }
  bool all_elsewhere = true;  // every locator hub-backed or on an interface of its own
  for (const auto& set : node.locator_cycle)
    for (auto l : set) all_elsewhere = all_elsewhere && (hubs.contains(l) || link.bound.contains(l));
  auto interface = values.get("link.mcast_interface");
  // Such a node needs no default interface (a hub-only node: no multicast, rootless, no LAN).
  if ((!interface || interface->empty()) && all_elsewhere)
    interface = link.bound.empty() ? std::string("lo") : link.bound.begin()->second;
  if (!interface || interface->empty()) values.fail("link.mcast_interface", "no interface given (e.g. eth0)");
  if (::if_nametoindex(interface->c_str()) == 0)
    values.fail("link.mcast_interface", "no network interface named '" + *interface + "' on this machine");
  link.interface = *interface;
  link.buffer_size =
      static_cast<std::size_t>(values.integer("link.buffer_size", wire::kHeaderSize + wire::kTransportHeaderSize + 36, 65487));
  link.loopback = values.boolean("link.loopback");
  link.emulation.loss = values.number("link.emulate_loss", 0, 1);
  link.emulation.delay = std::chrono::microseconds(
      static_cast<std::int64_t>(values.number("link.emulate_delay", 0, 10) * 1e6));
  link.uid = static_cast<std::uint32_t>(::getuid() % 65536);

  config.hub_link.buffer_size = link.buffer_size;
  config.hub_link.member.keepalive = to_duration(values.number("link.hub_keepalive", 1, 3600));
  if (auto nid = values.get("network.nid")) {
    auto parsed = Nid::parse(*nid);
    if (!parsed) values.fail("network.nid", "'" + *nid + "' is not a NID (four groups of 1-4 hex digits)");
    if (parsed->value == 0) values.fail("network.nid", "NID 0 is reserved for 'all nodes'");
    node.nid = *parsed;
  }
  node.hop_limit = static_cast<std::uint8_t>(values.integer("network.default_hop_limit", 1, 255));
  node.buffer_size = link.buffer_size;
  node.backwards_learning_ttl = to_duration(values.number("network.backwards_learning_ttl", 0.1, 86400));
  node.active_session_ttl = to_duration(values.number("network.active_unicast_session_ttl", 0.1, 86400));
  auto move_time = values.number("network.move_time", 0.1, 86400);
  auto handoff_time = values.number("network.handoff_time", 0, 86400);
  if (handoff_time >= move_time)
    values.fail("network.handoff_time", "must be shorter than network.move_time (" + std::to_string(move_time) + " s)");
  node.move_time = to_duration(move_time);
  if (auto moves = *values.get("network.moves"); moves == "links") {
    node.moves = Moves::links;
    if (node.locator_cycle.size() > 1)
      values.fail("network.moves", "links moves between the locators of one set; network.locators holds a cycle "
                                   "of " + std::to_string(node.locator_cycle.size()) + " (write 'a, b', not 'a-b')");
  } else if (moves != "cycle") {
    values.fail("network.moves", "'" + moves + "' is not cycle or links");
  }
  node.handoff_time = to_duration(handoff_time);
  node.loc_update_retries = static_cast<unsigned>(values.integer("network.loc_update_retries", 0, 100));
  node.loc_update_retry_wait_time = to_duration(values.number("network.loc_update_retry_wait_time", 0.01, 3600));
  node.discovery_wait_time = to_duration(values.number("discovery.wait_time", 0.1, 86400));
  node.hostname = values.get("discovery.hostname").value_or(machine_hostname());
  if (!valid_own_hostname(node.hostname))
    values.fail("discovery.hostname", "'" + node.hostname + "' " + kOwnHostnameRule +
                                          (values.given("discovery.hostname") ? "" : " (this machine's host name; set one)"));

  auto& app = config.application;
  if (values.get("application.port")) app.port = static_cast<Port>(values.integer("application.port", 1, 65535));
  app.remote_hostname = values.get("application.remote_hostname").value_or("");
  if (!app.remote_hostname.empty()) {
    if (!values.get("application.remote_port"))
      values.fail("application.remote_port", "required when application.remote_hostname is set");
    app.remote_port = static_cast<Port>(values.integer("application.remote_port", 1, 65535));
  }
  if (values.get("application.run_time")) app.run_time = values.number("application.run_time", 0, 1e9);
  app.wait_time = values.number("application.wait_time", 0, 3600);
  app.print_datagrams = values.boolean("application.print_datagrams");
  app.progress_interval = values.number("application.progress", 0, 3600);
  app.results_file = values.get("application.results").value_or("");

  const std::pair<Layer, const char*> log_keys[] = {{Layer::link, "link.log"},
                                                     {Layer::network, "network.log"},
                                                     {Layer::transport, "transport.log"},
                                                     {Layer::discovery, "discovery.log"},
                                                     {Layer::application, "application.log"}};
  for (auto [layer, key] : log_keys) config.log_levels[static_cast<std::size_t>(layer)] = values.level(key);
  if (values.get("proxy.port")) config.proxy.port = static_cast<Port>(values.integer("proxy.port", 0, 65535));
  config.proxy.mappings = read_proxy_mappings(values);
  config.stream_serve = read_stream_serve(values);
  config.stream_listen = read_stream_listen(values);
  auto mode = *values.get("security.mode");
  if (mode == "auto") {
    config.security_mode = values.get("network.nid") ? SecurityMode::legacy : SecurityMode::secure;
  } else if (mode == "secure" || mode == "legacy") {
    config.security_mode = mode == "secure" ? SecurityMode::secure : SecurityMode::legacy;
  } else {
    values.fail("security.mode", "'" + mode + "' is not secure, legacy or auto");
  }
  if (config.security_mode == SecurityMode::secure && values.get("network.nid"))
    values.fail("network.nid", "in secure mode the NID is derived from the node's key; remove it or set "
                               "security.mode = legacy");
  auto& sec = config.node.security;
  sec.secure = config.security_mode == SecurityMode::secure;
  sec.encrypt = values.boolean("security.encrypt");
  if (sec.encrypt && !sec.secure) values.fail("security.encrypt", "encryption needs security.mode = secure");
  sec.rekey_after = values.integer("security.rekey_after", 1, std::uint64_t{1} << 62);
  sec.max_message_age = seconds_f(values.number("security.max_message_age", 0, 1e9));
  if (auto pins = values.get("security.pin")) {
    std::istringstream in(*pins);
    for (std::string item; std::getline(in, item, ',');) {
      item = trim(item);
      auto colon = item.rfind(':');
      auto key = colon == std::string::npos ? std::nullopt : security::from_hex<32>(item.substr(colon + 1));
      if (!key) values.fail("security.pin", "'" + item + "' is not HOSTNAME:PUBLIC_KEY_HEX (64 hex digits)");
      sec.pinned[item.substr(0, colon)] = *key;
    }
  }
  config.state_dir = values.get("security.state_dir").value_or("");
  config.state_database = values.boolean("state.database");
  config.metrics_textfile = values.get("metrics.textfile").value_or("");
  config.trace_pcap = values.get("trace.pcap").value_or("");
  config.trace_pcap_max_bytes = values.integer("trace.pcap_max_bytes", 0, std::uint64_t{1} << 62);
  config.stream_port = static_cast<Port>(values.integer("stream.port", 1, 65535));
  config.tun.enable = values.boolean("tun.enable");
  config.tun.name = *values.get("tun.name");
  if (config.tun.name.empty() || config.tun.name.size() > 15 || config.tun.name.find('/') != std::string::npos)
    values.fail("tun.name", "'" + config.tun.name + "' is not an interface name (1-15 characters, no '/')");
  config.tun.names_dir = values.get("tun.names_dir").value_or("");
  auto prefix = parse_identifier_prefix(*values.get("tun.prefix"));
  if (!prefix) values.fail("tun.prefix", "'" + *values.get("tun.prefix") + "' is not an IPv6 /64 prefix (e.g. fd69:6c6e:7000::/64)");
  if (config.tun.enable) config.node.ip_prefix = prefix;
  config.log_file = values.get("log.file").value_or("");
  config.control_socket = values.get("control.socket").value_or("");
  if (!config.control_socket.empty()) {
    // The default directory is made at start; a configured one must exist,
    // or a typo would create a directory tree nobody asked for.
    auto dir = std::filesystem::path(config.control_socket).parent_path();
    std::error_code ec;
    if (!dir.empty() && !std::filesystem::is_directory(dir, ec))
      values.fail("control.socket", "the directory " + dir.string() + " does not exist (create it first)");
  }
  return config;
}

std::vector<Locator> parse_locator_set(const std::string& text) {
  std::vector<Locator> set;
  std::size_t s = 0;
  for (;;) {
    auto comma = text.find(',', s);
    auto item = trim(text.substr(s, comma == std::string::npos ? std::string::npos : comma - s));
    auto loc = Locator::parse(item);
    if (!loc) throw ConfigError("'" + item + "' is not a locator (four groups of 1-4 hex digits, e.g. 0:0:0:a)");
    if (*loc == kAllNodes) throw ConfigError("'" + item + "' is the all-nodes locator and cannot be joined");
    if (std::find(set.begin(), set.end(), *loc) != set.end()) throw ConfigError("'" + item + "' is listed twice");
    set.push_back(*loc);
    if (comma == std::string::npos) break;
    s = comma + 1;
  }
  if (set.size() > wire::kMaxUpdateLocators)
    throw ConfigError("a locator set may hold at most " + std::to_string(wire::kMaxUpdateLocators) + " locators");
  return set;
}

std::optional<tun::IdentifierPrefix> parse_identifier_prefix(const std::string& text) {
  auto slash = text.find('/');
  if (slash != std::string::npos && text.substr(slash) != "/64") return std::nullopt;
  in6_addr a{};
  if (::inet_pton(AF_INET6, text.substr(0, slash).c_str(), &a) != 1) return std::nullopt;
  std::uint64_t upper = 0;
  for (int i = 0; i < 8; ++i) upper = upper << 8 | a.s6_addr[i];
  for (int i = 8; i < 16; ++i)
    if (a.s6_addr[i] != 0) return std::nullopt;
  return tun::IdentifierPrefix{upper};
}

bool valid_own_hostname(std::string_view name) {
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (name.empty() || name.size() > 64 || !alnum(name.front())) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) { return alnum(c) || c == '.' || c == '_' || c == '-'; });
}

}  // namespace ilnp::apps
