// `[tun] enable`: the node's TUN interface (proto/README.md section 13).
// Packets the kernel routes into it go to Node::send_ip; DeliverIp actions
// are written back into it.
#pragma once

#include <memory>
#include <string>

#include "ilnp/io/tun_device.hpp"

namespace ilnp::apps {

class Runtime;

class TunService {
 public:
  // Creates the interface; throws (a clear reason) when it cannot, or when
  // the MTU would be under IPv6's 1280.
  explicit TunService(Runtime& rt);

  [[nodiscard]] const io::TunDevice& device() const { return *device_; }
  // "tun ilnp0 fd69:...::/64 mtu 1440 read N written N write_errors N".
  [[nodiscard]] std::string summary() const;

 private:
  Runtime& rt_;
  std::unique_ptr<io::TunDevice> device_;
};

}  // namespace ilnp::apps
