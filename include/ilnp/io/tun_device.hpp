// A Linux TUN interface carrying IPv6 packets (proto/README.md section 13):
// created with IFF_TUN | IFF_NO_PI, given the identifier address PREFIX::NID/64
// (the /64 route comes with it), the MTU, and brought up, all by ioctl.
// Non-blocking: reads in batches from the event loop; writes never wait.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "ilnp/core/tun/ip_mapping.hpp"
#include "ilnp/core/types.hpp"
#include "ilnp/core/wire/bytes.hpp"

namespace ilnp::io {

struct TunOptions {
  std::string name{"ilnp0"};
  tun::IdentifierPrefix prefix;
  Nid nid;
  std::size_t mtu{0};
};

struct TunStats {
  std::uint64_t packets_read{0};
  std::uint64_t packets_written{0};
  std::uint64_t write_errors{0};  // the kernel refused a packet (e.g. its queue was full)
  std::uint64_t read_errors{0};
};

// Why the interface could not be made (missing CAP_NET_ADMIN, no /dev/net/tun, ...).
struct TunError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class TunDevice {
 public:
  using PacketHandler = std::function<void(wire::Bytes packet)>;

  // Creates and configures the interface; throws TunError.
  TunDevice(boost::asio::io_context& io, TunOptions options);
  ~TunDevice();
  TunDevice(const TunDevice&) = delete;
  TunDevice& operator=(const TunDevice&) = delete;

  // Each packet read goes to `on_packet`; `after_batch` runs once per batch of reads.
  void start(PacketHandler on_packet, std::function<void()> after_batch);
  void write(wire::Bytes packet);

  [[nodiscard]] const std::string& name() const { return options_.name; }
  [[nodiscard]] std::string address_text() const;  // PREFIX::NID/64
  [[nodiscard]] std::size_t mtu() const { return options_.mtu; }
  [[nodiscard]] const TunStats& stats() const { return stats_; }

 private:
  void wait_readable();
  void read_batch();

  TunOptions options_;
  boost::asio::posix::stream_descriptor fd_;
  PacketHandler on_packet_;
  std::function<void()> after_batch_;
  wire::Buffer buffer_;
  TunStats stats_;
};

}  // namespace ilnp::io
