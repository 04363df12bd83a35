// Mappings from the configuration are added at construction, so they exist
// before the first datagram.
#include "proxy_service.hpp"

#include "port_text.hpp"

namespace ilnp::apps {

ProxyService::ProxyService(Runtime& runtime)
    : rt_(runtime),
      proxy_(Logger([&runtime](Layer l, Level v, std::string_view t) { runtime.log(l, v, std::string(t)); },
                    runtime.config().log_levels)) {
  rt_.driver().set_fallback_handler([this](const Deliver& d) {
    if (proxy_.egress(d) && sockets_) sockets_->send_local(d.port, d.data);
  });
  const auto& pc = rt_.config().proxy;
  if (pc.port) start();
  for (const auto& m : pc.mappings)
    if (auto error = add(m.local_port, m.remote, m.remote_port))
      throw std::runtime_error(m.origin + ": proxy.mappings: " + *error);
}

Port ProxyService::start() {
  if (!sockets_) {
    sockets_ = std::make_unique<io::UdpProxy>(rt_.io(), rt_.config().proxy.port.value_or(0),
                                              [this](Port local_port, wire::Bytes data) {
                                                rt_.driver().with_node([&](Node& node, Instant now) {
                                                  return proxy_.ingress(now, node, local_port, data);
                                                });
                                              });
    rt_.log(Layer::transport, Level::info,
            "UDP proxy listening on 127.0.0.1:" + std::to_string(sockets_->port()) + " and [::1]");
  }
  return sockets_->port();
}

std::optional<std::string> ProxyService::add(const std::string& local_port, const std::string& remote,
                                             const std::string& remote_port) {
  auto local = parse_port(local_port);
  if (!local) return "'" + local_port + "' is not a port (1-65535)";
  auto far = parse_port(remote_port);
  if (!far) return "'" + remote_port + "' is not a port (1-65535)";
  auto target = proxy::Remote::parse(remote);
  if (!target) return "'" + remote + "' is not a hostname, NID (ffff:0:0:b) or locator:NID";
  start();
  auto error = rt_.driver().with_node(
      [&](Node& node, Instant) { return proxy_.add(node, *local, std::move(*target), *far); });
  if (error) return "cannot map local port " + local_port + ": " + std::string(to_string(*error));
  return std::nullopt;
}

std::optional<std::string> ProxyService::remove(const std::string& local_port) {
  auto local = parse_port(local_port);
  if (!local) return "'" + local_port + "' is not a port (1-65535)";
  bool removed = rt_.driver().with_node([&](Node& node, Instant) { return proxy_.remove(node, *local); });
  if (!removed) return "no mapping for local port " + local_port;
  return std::nullopt;
}

}  // namespace ilnp::apps
