#include "tun_service.hpp"

#include "ilnp/io/clock.hpp"
#include "runtime.hpp"

namespace ilnp::apps {

TunService::TunService(Runtime& rt) : rt_(rt) {
  const auto& nc = rt.node().config();
  auto mtu = nc.max_ip_packet();
  if (mtu < tun::kMinimumMtu) {
    auto needed = tun::kMinimumMtu + (nc.security.encrypt ? tun::kSealedIpOverhead : 0);
    throw std::runtime_error("tun: the MTU would be " + std::to_string(mtu) + " bytes, under IPv6's minimum of " +
                             std::to_string(tun::kMinimumMtu) + ": set link.buffer_size to at least " +
                             std::to_string(needed) + (nc.security.encrypt ? " (sealed IP adds 29 bytes)" : ""));
  }
  device_ = std::make_unique<io::TunDevice>(
      rt.io(), io::TunOptions{rt.config().tun.name, *nc.ip_prefix, nc.nid, mtu});
  rt.driver().set_ip_handler([this](const DeliverIp& d) { device_->write(d.packet); });
  // One batch of reads, then the driver performs the node's actions once.
  device_->start(
      [this](wire::Bytes packet) {
        rt_.driver().node().send_ip(io::now(), packet);
      },
      [this] { rt_.driver().with_node([](Node&, Instant) { return 0; }); });
  rt.log(Layer::network, Level::info,
         "tun: interface " + device_->name() + " address " + device_->address_text() + " mtu " + std::to_string(mtu));
}

std::string TunService::summary() const {
  const auto& s = device_->stats();
  const auto& n = rt_.node().stats();
  return " tun_read=" + std::to_string(s.packets_read) + " tun_written=" + std::to_string(s.packets_written) +
         " tun_write_errors=" + std::to_string(s.write_errors) + " ip_sent=" + std::to_string(n.ip_sent) +
         " ip_delivered=" + std::to_string(n.ip_delivered);
}

}  // namespace ilnp::apps
