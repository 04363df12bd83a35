// Every problem is counted per mapping and logged once until it clears, so a
// program sending thousands of oversize datagrams produces one line.
#include "ilnp/core/proxy/proxy.hpp"

namespace ilnp::proxy {

namespace {
std::string describe(const Mapping& m) {
  return "proxy mapping " + std::to_string(m.local_port) + " -> " + m.remote.to_string() + ":" +
         std::to_string(m.remote_port);
}
}  // namespace

std::optional<AddError> Proxy::add(Node& node, Port local_port, Remote remote, Port remote_port) {
  if (auto error = table_.add(local_port, std::move(remote), remote_port)) return error;
  if (!node.bind(local_port)) {
    table_.remove(local_port);
    return AddError::already_mapped;  // an application of this node holds the port
  }
  log_.log(Layer::transport, Level::info, [&] { return "added " + describe(*table_.find(local_port)); });
  return std::nullopt;
}

bool Proxy::remove(Node& node, Port local_port) {
  if (!table_.remove(local_port)) return false;
  node.unbind(local_port);
  log_.log(Layer::transport, Level::info, [&] { return "removed proxy mapping " + std::to_string(local_port); });
  return true;
}

SendStatus Proxy::send(Instant now, Node& node, const Mapping& m, wire::Bytes data) {
  if (auto* host = std::get_if<std::string>(&m.remote.target))
    return node.send_to_host(now, m.local_port, *host, m.remote_port, data);
  if (auto* nid = std::get_if<Nid>(&m.remote.target)) {
    auto ilv = node.resolve(*nid, now);
    if (ilv) return node.send_to(now, m.local_port, *ilv, m.remote_port, data);
    node.request_discovery(now);
    return SendStatus::unknown_host;
  }
  return node.send_to(now, m.local_port, std::get<Ilv>(m.remote.target), m.remote_port, data);
}

Outcome Proxy::ingress(Instant now, Node& node, Port local_port, wire::Bytes data) {
  auto* m = table_.find(local_port);
  if (!m) {
    ++stats_.no_mapping;
    log_.log(Layer::transport, Level::debug,
             [&] { return "proxy: datagram from unmapped local port " + std::to_string(local_port) + " dropped"; });
    return Outcome::no_mapping;
  }
  if (data.size() > node.config().max_transport_data()) {
    ++stats_.too_large;
    ++m->stats.too_large;
    if (!std::exchange(m->too_large_reported, true))
      log_.log(Layer::transport, Level::warn, [&] {
        return describe(*m) + ": dropped a " + std::to_string(data.size()) + "-byte datagram; the overlay carries at most " +
               std::to_string(node.config().max_transport_data()) + " bytes (reported once per mapping)";
      });
    return Outcome::too_large;
  }
  switch (send(now, node, *m, data)) {
    case SendStatus::sent:
      ++stats_.sent;
      ++m->stats.datagrams_out;
      m->stats.bytes_out += data.size();
      if (std::exchange(m->unresolved_reported, false))
        log_.log(Layer::transport, Level::info, [&] { return describe(*m) + ": remote found, sending again"; });
      return Outcome::sent;
    case SendStatus::unknown_host:
      ++stats_.unresolved;
      ++m->stats.unresolved;
      if (!std::exchange(m->unresolved_reported, true))
        log_.log(Layer::transport, Level::warn, [&] {
          return describe(*m) + ": remote not known yet; dropping until discovery finds it (asked now)";
        });
      return Outcome::unresolved;
    default:
      ++stats_.no_route;
      ++m->stats.no_route;
      return Outcome::no_route;
  }
}

const Mapping* Proxy::egress(const Deliver& delivered) {
  auto* m = table_.find(delivered.port);
  if (!m) return nullptr;
  ++stats_.delivered;
  ++m->stats.datagrams_in;
  m->stats.bytes_in += delivered.data.size();
  return m;
}

}  // namespace ilnp::proxy
