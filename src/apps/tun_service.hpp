// `[tun] enable`: the node's TUN interface (proto/README.md section 13).
// Packets the kernel routes into it go to Node::send_ip; DeliverIp actions
// are written back into it. The names socket answers `resolve NAME` for every
// local user, so the NSS module (src/nss) gives programs bob.ilnp.
#pragma once

#include <memory>
#include <string>

#include "ilnp/io/control_server.hpp"
#include "ilnp/io/tun_device.hpp"

namespace ilnp::apps {

class Runtime;

class TunService {
 public:
  // Creates the interface; throws (a clear reason) when it cannot, or when
  // the MTU would be under IPv6's 1280.
  explicit TunService(Runtime& rt);

  [[nodiscard]] const io::TunDevice& device() const { return *device_; }

 private:
  // A names socket that cannot be made is logged, not fatal: IP by address still works.
  void serve_names();

  Runtime& rt_;
  std::unique_ptr<io::TunDevice> device_;
  std::unique_ptr<io::ControlServer> names_;
};

}  // namespace ilnp::apps
