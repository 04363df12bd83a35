#include "tun_service.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "name_answer.hpp"
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
  serve_names();
}

void TunService::serve_names() {
  const auto& dir = rt_.config().tun.names_dir;
  if (dir.empty()) return;
  auto path = dir + "/" + rt_.node().config().hostname + ".sock";
  try {
    // Others must traverse it (0755); a directory writable by others could hold a planted socket.
    if (std::filesystem::create_directories(dir)) ::chmod(dir.c_str(), 0755);
    struct stat st{};
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 ||
        st.st_uid != ::geteuid())
      throw std::runtime_error(dir + " is not a directory of ours that only we can write");
    auto answer = [this](const std::string& request) {
      std::istringstream in(request);
      std::string verb, name;
      in >> verb >> name;
      if (verb != "resolve" || name.empty()) return std::string("error: this socket answers only 'resolve NAME'\n");
      return resolve_answer(rt_.node(), name, io::now());
    };
    names_ = std::make_unique<io::ControlServer>(
        rt_.io(), path, answer, [this](const std::string& line) { rt_.log(Layer::network, Level::warn, "names: " + line); },
        io::SocketAccess::everyone);
    rt_.log(Layer::network, Level::info, "tun: names socket at " + path + " (HOSTNAME.ilnp for local programs)");
  } catch (const std::exception& e) {
    rt_.log(Layer::network, Level::warn,
            std::string("tun: no names socket, programs cannot look up HOSTNAME.ilnp: ") + e.what());
  }
}

}  // namespace ilnp::apps
