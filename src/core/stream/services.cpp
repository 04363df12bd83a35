// The served stream services and their admission (services.hpp). The order
// of the checks decides which reason a peer hears: an unknown service first,
// then a full gateway, then the allow-list.
#include "ilnp/core/stream/services.hpp"

#include "ilnp/core/stream/mux.hpp"

namespace ilnp::stream {

std::optional<std::string> Services::add(std::string name, std::string host, Port port,
                                         proxy::PeerAllowList allowed) {
  if (!mux::valid_service_name(name))
    return "'" + name + "' is not a service name (1-64 characters of A-Z a-z 0-9 . _ -)";
  if (auto it = services_.find(name); it != services_.end())
    return "service " + name + " is already served by " + it->second.host + ":" + std::to_string(it->second.port) +
           " (unserve it first)";
  if (services_.size() >= kMax) return "too many services (" + std::to_string(kMax) + ")";
  Service entry;
  entry.name = name;
  entry.host = std::move(host);
  entry.port = port;
  entry.allowed = std::move(allowed);
  services_.emplace(std::move(name), std::move(entry));
  return std::nullopt;
}

std::variant<const Service*, Refusal> Services::admit(const std::string& name, Nid peer,
                                                      const discovery::NameCache& names, Instant now,
                                                      const std::string& hostname, bool full) {
  auto it = services_.find(name);
  if (it == services_.end()) return Refusal{"no service '" + name + "' on " + hostname};
  if (full) return Refusal{"too many connections"};
  auto& service = it->second;
  if (!service.allowed.admits(peer, names, now)) {
    ++service.refused;
    return Refusal{"service '" + name + "' on " + hostname + " does not allow " + peer.to_string(), true};
  }
  ++service.accepted;
  return &service;
}

void Services::record_failure(const std::string& name, const std::string& error) {
  auto it = services_.find(name);
  if (it == services_.end()) return;
  ++it->second.failed;
  it->second.last_error = error;
}

}  // namespace ilnp::stream
