// The node's local UDP proxy: the core's mapping decisions (proxy::Proxy)
// wired to the loopback sockets (io::UdpProxy) and the node driver. Started at
// startup when [proxy] port is configured, or on the first mapping added.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "ilnp/core/proxy/proxy.hpp"
#include "ilnp/io/udp_proxy.hpp"
#include "runtime.hpp"

namespace ilnp::apps {

class ProxyService {
 public:
  explicit ProxyService(Runtime& runtime);

  // Opens the sockets if not open yet; returns the proxy's UDP port.
  Port start();
  // "LOCAL_PORT REMOTE REMOTE_PORT"; returns an error message or nothing.
  [[nodiscard]] std::optional<std::string> add(const std::string& local_port, const std::string& remote,
                                               const std::string& remote_port);
  [[nodiscard]] std::optional<std::string> remove(const std::string& local_port);
  [[nodiscard]] const proxy::Proxy& proxy() const { return proxy_; }
  [[nodiscard]] std::optional<Port> port() const {
    return sockets_ ? std::optional<Port>(sockets_->port()) : std::nullopt;
  }

 private:
  Runtime& rt_;
  proxy::Proxy proxy_;
  std::unique_ptr<io::UdpProxy> sockets_;
};

}  // namespace ilnp::apps
