// The legacy ioctls (TUNSETIFF, SIOCSIFMTU, SIOCSIFFLAGS, SIOCSIFADDR on an
// AF_INET6 socket) do all the configuration: no netlink library, no `ip`
// commands. The kernel skips duplicate address detection on a TUN (IFF_NOARP).
#include "ilnp/io/tun_device.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ilnp::io {

namespace {
// <linux/ipv6.h>'s in6_ifreq, which clashes with glibc's <netinet/in.h>.
struct In6Ifreq {
  in6_addr addr;
  std::uint32_t prefix_length;
  int ifindex;
};

// Reads per readiness: enough to batch a burst, few enough to keep timers on time.
constexpr int kReadsPerBatch = 64;
// The largest IPv6 packet without a jumbogram: a packet over the MTU (raised
// behind our back) is read whole and answered with Packet Too Big.
constexpr std::size_t kLargestPacket = 40 + 65535;

std::string failure(const std::string& what, int error) {
  auto text = what + ": " + std::strerror(error);
  if (error == EPERM || error == EACCES)
    text += " (creating a TUN interface needs CAP_NET_ADMIN: run as root, or grant it, e.g. "
            "AmbientCapabilities=CAP_NET_ADMIN under systemd)";
  return text;
}

in6_addr identifier_address(tun::IdentifierPrefix prefix, Nid nid) {
  in6_addr a{};
  for (int i = 0; i < 8; ++i) {
    a.s6_addr[i] = static_cast<std::uint8_t>(prefix.value >> (56 - 8 * i));
    a.s6_addr[8 + i] = static_cast<std::uint8_t>(nid.value >> (56 - 8 * i));
  }
  return a;
}

class Socket {
 public:
  Socket() : fd_(::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    if (fd_ < 0) throw TunError(failure("socket(AF_INET6) for the TUN's configuration", errno));
  }
  ~Socket() { ::close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  void ioctl(unsigned long request, void* arg, const std::string& what) const {
    if (::ioctl(fd_, request, arg) < 0) throw TunError(failure(what, errno));
  }

 private:
  int fd_;
};

// Packets the kernel holds for us to read (tun's default 500): TCP's bursts
// between two batches of reads overflowed it (every retransmit a drop here).
constexpr int kTxQueueLength = 1000;

void configure(const TunOptions& o) {
  Socket s;
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, o.name.c_str(), IFNAMSIZ - 1);
  ifr.ifr_mtu = static_cast<int>(o.mtu);
  s.ioctl(SIOCSIFMTU, &ifr, "setting the MTU of " + o.name + " to " + std::to_string(o.mtu));
  ifr.ifr_qlen = kTxQueueLength;
  s.ioctl(SIOCSIFTXQLEN, &ifr, "setting the queue length of " + o.name);
  s.ioctl(SIOCGIFFLAGS, &ifr, "reading the flags of " + o.name);
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
  s.ioctl(SIOCSIFFLAGS, &ifr, "bringing " + o.name + " up");
  In6Ifreq req{};
  req.addr = identifier_address(o.prefix, o.nid);
  req.prefix_length = 64;
  req.ifindex = static_cast<int>(::if_nametoindex(o.name.c_str()));
  if (req.ifindex == 0) throw TunError(failure("finding " + o.name, errno));
  s.ioctl(SIOCSIFADDR, &req, "adding the identifier address to " + o.name);
}

int open_tun(const TunOptions& o) {
  if (o.name.empty() || o.name.size() >= IFNAMSIZ)
    throw TunError("tun.name '" + o.name + "' must be 1-" + std::to_string(IFNAMSIZ - 1) + " characters");
  int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw TunError(failure("opening /dev/net/tun", errno));
  ifreq ifr{};
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  std::strncpy(ifr.ifr_name, o.name.c_str(), IFNAMSIZ - 1);
  if (::ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int error = errno;
    ::close(fd);
    throw TunError(failure("creating TUN interface " + o.name, error));
  }
  try {
    configure(o);
  } catch (...) {
    ::close(fd);
    throw;
  }
  return fd;
}
}  // namespace

TunDevice::TunDevice(boost::asio::io_context& io, TunOptions options)
    : options_(std::move(options)), fd_(io, open_tun(options_)), buffer_(kLargestPacket) {}

TunDevice::~TunDevice() = default;

std::string TunDevice::address_text() const {
  auto a = identifier_address(options_.prefix, options_.nid);
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET6, &a, text, sizeof text);
  return std::string(text) + "/64";
}

void TunDevice::start(PacketHandler on_packet, std::function<void()> after_batch) {
  on_packet_ = std::move(on_packet);
  after_batch_ = std::move(after_batch);
  wait_readable();
}

void TunDevice::wait_readable() {
  fd_.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this](boost::system::error_code ec) {
    if (ec) return;  // closed
    read_batch();
    wait_readable();
  });
}

void TunDevice::read_batch() {
  for (int i = 0; i < kReadsPerBatch; ++i) {
    auto n = ::read(fd_.native_handle(), buffer_.data(), buffer_.size());
    if (n < 0) {
      if (errno != EAGAIN && errno != EINTR) ++stats_.read_errors;
      break;
    }
    ++stats_.packets_read;
    on_packet_(wire::Bytes(buffer_.data(), static_cast<std::size_t>(n)));
  }
  if (after_batch_) after_batch_();
}

void TunDevice::write(wire::Bytes packet) {
  if (::write(fd_.native_handle(), packet.data(), packet.size()) == static_cast<ssize_t>(packet.size())) {
    ++stats_.packets_written;
  } else {
    ++stats_.write_errors;
  }
}

}  // namespace ilnp::io
