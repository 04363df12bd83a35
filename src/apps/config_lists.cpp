// Only the form is checked here (ports, remotes, endpoints, repeats): what
// needs the running node (a port already bound, a service name the gateway
// refuses) fails at start with the item's origin.
#include "config_lists.hpp"

#include <functional>
#include <set>
#include <sstream>
#include <string_view>

#include "ilnp/core/proxy/mapping_table.hpp"
#include "port_text.hpp"

namespace ilnp::apps {

namespace {

constexpr std::size_t kAnyMore = static_cast<std::size_t>(-1);

// Calls `fn(words, offset)` for each comma-separated item of `key` of
// `least` to `most` words; offset is where the item's text starts in the
// value (for its line).
void for_each_item(const ConfigValues& values, const std::string& key, std::size_t least, std::size_t most,
                   const char* form, const std::function<void(const std::vector<std::string>&, std::size_t)>& fn) {
  auto text = values.get(key);
  if (!text) return;
  std::size_t start = 0;
  for (;;) {
    auto comma = text->find(',', start);
    auto item = std::string_view(*text).substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto lead = item.find_first_not_of(" \t\n");
    auto offset = start + (lead == std::string_view::npos ? 0 : lead);
    std::istringstream in{std::string(item)};
    std::vector<std::string> words;
    for (std::string w; in >> w;) words.push_back(w);
    if (words.size() < least || words.size() > most)
      values.fail(key, std::string("each item is '") + form + "'", offset);
    fn(words, offset);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
}

void check_remote(const ConfigValues& values, const std::string& key, const std::string& remote, std::size_t offset) {
  if (!proxy::Remote::parse(remote))
    values.fail(key, "'" + remote + "' is not a hostname, NID (ffff:0:0:b) or locator:NID", offset);
}

void check_port(const ConfigValues& values, const std::string& key, const std::string& port, std::size_t offset) {
  if (!parse_port(port)) values.fail(key, "'" + port + "' is not a port (1-65535)", offset);
}

}  // namespace

std::vector<ProxyMappingConfig> read_proxy_mappings(const ConfigValues& values) {
  const std::string key = "proxy.mappings";
  std::vector<ProxyMappingConfig> out;
  std::set<Port> ports;
  for_each_item(values, key, 3, 3, "LOCAL_PORT REMOTE REMOTE_PORT', e.g. '2000 bob 3000",
                [&](const std::vector<std::string>& w, std::size_t offset) {
                  check_port(values, key, w[0], offset);
                  check_remote(values, key, w[1], offset);
                  check_port(values, key, w[2], offset);
                  if (!ports.insert(*parse_port(w[0])).second)
                    values.fail(key, "local port " + w[0] + " is mapped twice", offset);
                  out.push_back({w[0], w[1], w[2], values.origin(key, offset)});
                });
  return out;
}

std::vector<StreamServeConfig> read_stream_serve(const ConfigValues& values) {
  const std::string key = "stream.serve";
  std::vector<StreamServeConfig> out;
  std::set<std::string> names;
  for_each_item(values, key, 2, kAnyMore,
                "SERVICE TCP_HOST:TCP_PORT [allow PEER...]', e.g. 'ssh 127.0.0.1:22' or 'ssh 127.0.0.1:22 allow bob",
                [&](const std::vector<std::string>& w, std::size_t offset) {
                  if (!parse_host_port(w[1])) values.fail(key, "'" + w[1] + "' is not TCP_HOST:TCP_PORT", offset);
                  if (!names.insert(w[0]).second) values.fail(key, "service " + w[0] + " is served twice", offset);
                  auto allowed = parse_serve_allow(std::span(w).subspan(2));
                  if (auto* why = std::get_if<std::string>(&allowed)) values.fail(key, *why, offset);
                  out.push_back({w[0], w[1], std::get<proxy::PeerAllowList>(allowed).to_string(),
                                 values.origin(key, offset)});
                });
  return out;
}

std::vector<StreamListenConfig> read_stream_listen(const ConfigValues& values) {
  const std::string key = "stream.listen";
  std::vector<StreamListenConfig> out;
  std::set<Port> ports;
  for_each_item(values, key, 3, 3, "LOCAL_TCP_PORT REMOTE SERVICE', e.g. '6000 bob ssh",
                [&](const std::vector<std::string>& w, std::size_t offset) {
                  check_port(values, key, w[0], offset);
                  check_remote(values, key, w[1], offset);
                  if (!ports.insert(*parse_port(w[0])).second)
                    values.fail(key, "TCP port " + w[0] + " listens twice", offset);
                  out.push_back({w[0], w[1], w[2], values.origin(key, offset)});
                });
  return out;
}

std::variant<proxy::PeerAllowList, std::string> parse_serve_allow(std::span<const std::string> words) {
  if (words.empty()) return proxy::PeerAllowList{};
  if (words.front() != "allow" || words.size() == 1)
    return "after TCP_HOST:TCP_PORT comes nothing (any peer) or 'allow PEER...' (hostnames or NIDs)";
  return proxy::PeerAllowList::parse(words.subspan(1));
}

}  // namespace ilnp::apps
