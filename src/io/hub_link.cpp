// Data goes out with one sendmsg gathering the 9-byte frame prefix and the
// datagram (no copy unless the socket is full); frames come in with recvmmsg
// and count only when they come from one of our hubs.
#include "ilnp/io/hub_link.hpp"

#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "ilnp/core/wire/header.hpp"
#include "ilnp/io/clock.hpp"
#include "ilnp/io/hub_address.hpp"

namespace ilnp::io {

namespace {
std::uint64_t wall_us() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::system_clock::now().time_since_epoch()).count());
}
bool same(const sockaddr_in6& a, const sockaddr_in6& b) {
  return a.sin6_port == b.sin6_port && std::memcmp(&a.sin6_addr, &b.sin6_addr, 16) == 0;
}
iovec part(const void* data, std::size_t size) { return iovec{const_cast<void*>(data), size}; }
}  // namespace

HubLink::HubLink(boost::asio::io_context& io, HubLinkOptions options, const security::Identity* identity, Nid nid,
                 Logger logger)
    : io_(io),
      buffer_size_(options.buffer_size),
      member_(options.member, identity, nid),
      log_(std::move(logger)),
      watch_(io),
      registration_timer_(io) {
  for (const auto& [locator, host_port] : options.hubs) {
    hubs_[locator] = resolve_udp(host_port);
    locators_.push_back(locator);
  }
  for (const auto& [locator, name] : options.interfaces) {
    auto index = ::if_nametoindex(name.c_str());
    if (index == 0) throw std::runtime_error("locator " + locator.to_string() + "%" + name + ": no interface " + name);
    interfaces_[locator] = {name, index};
  }
  sockaddr_in6 any{};
  any.sin6_family = AF_INET6;
  fd_ = open_dual_stack_udp(any);
  watch_.assign(fd_);
  rx_buffers_.assign(ReceiveBatch::kSize, std::vector<std::byte>(hub::kDataPrefixSize + buffer_size_ + 1));
}

HubLink::~HubLink() = default;  // the descriptor closes the socket

const sockaddr_in6* HubLink::hub_of(Locator locator) const {
  auto it = hubs_.find(locator);
  return it == hubs_.end() ? nullptr : &it->second;
}

bool HubLink::from_a_hub(const sockaddr_in6& from) const {
  return std::any_of(hubs_.begin(), hubs_.end(), [&](const auto& h) { return same(h.second, from); });
}

std::string HubLink::hub_text(Locator locator) const {
  auto* hub = hub_of(locator);
  return hub ? "hub " + to_endpoint(*hub).to_string() : std::string("no hub");
}

std::string HubLink::describe(Locator locator) const {
  auto bound = interfaces_.find(locator);
  return "locator " + locator.to_string() + " through " + hub_text(locator) +
         (bound == interfaces_.end() ? "" : " from " + bound->second.first);
}

void HubLink::start(Receiver on_datagram, BatchDone on_batch_done) {
  on_datagram_ = std::move(on_datagram);
  on_batch_done_ = std::move(on_batch_done);
  wait_readable();
}

bool HubLink::join(Locator locator) {
  if (!hub_of(locator)) return false;
  member_.join(io::now(), locator);
  on_registration_due();
  return true;
}

void HubLink::leave(Locator locator) {
  if (auto frame = member_.leave(wall_us(), locator)) send_control(locator, *frame);
  arm_registration_timer();
}

void HubLink::on_registration_due() {
  // Runs at least every keepalive: the periodic count of suppressed control lines.
  if (auto n = control_lines_.take_suppressed())
    log_.log(Layer::link, Level::info, [&] { return std::to_string(n) + " more hub control lines suppressed"; });
  due_.clear();
  member_.poll(io::now(), wall_us(), due_);
  for (const auto& r : due_) send_control(r.locator, r.frame);
  arm_registration_timer();
}

void HubLink::arm_registration_timer() {
  auto next = member_.next_timeout();
  if (next == kNever) {
    registration_timer_.cancel();
    return;
  }
  auto delay = std::max(next - io::now(), Duration{0});
  registration_timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(delay));
  registration_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) on_registration_due();
  });
}

void HubLink::send_control(Locator locator, wire::Bytes frame) {
  iovec one = part(frame.data(), frame.size());
  send_parts(locator, std::span<const iovec>(&one, 1));
}

void HubLink::send(Locator locator, wire::Bytes datagram) {
  if (datagram.size() > buffer_size_) {
    ++stats_.send_errors;  // the core sizes datagrams by the same buffer_size
    return;
  }
  auto prefix = hub::data_prefix(locator);
  std::array<iovec, 2> parts{part(prefix.data(), prefix.size()), part(datagram.data(), datagram.size())};
  send_parts(locator, parts);
}

void HubLink::forward(Locator locator, wire::Bytes datagram, std::uint8_t hop_limit) {
  auto prefix = hub::data_prefix(locator);
  const auto* bytes = datagram.data();
  std::array<iovec, 4> parts{part(prefix.data(), prefix.size()), part(bytes, wire::kHopLimitOffset),
                             part(&hop_limit, 1),
                             part(bytes + wire::kHopLimitOffset + 1, datagram.size() - wire::kHopLimitOffset - 1)};
  send_parts(locator, parts);
}

ssize_t HubLink::send_frame(const sockaddr_in6& to, unsigned interface, std::span<const iovec> parts) {
  msghdr m{};
  m.msg_name = const_cast<sockaddr_in6*>(&to);
  m.msg_namelen = sizeof to;
  m.msg_iov = const_cast<iovec*>(parts.data());
  m.msg_iovlen = parts.size();
  alignas(cmsghdr) std::array<std::byte, CMSG_SPACE(sizeof(in6_pktinfo))> control{};
  if (interface != 0) {
    // Also for an IPv4 hub on this dual-stack socket: the kernel takes the
    // index from IPV6_PKTINFO on the IPv4 path too.
    m.msg_control = control.data();
    m.msg_controllen = control.size();
    auto* c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
    in6_pktinfo info{};
    info.ipi6_ifindex = interface;
    std::memcpy(CMSG_DATA(c), &info, sizeof info);
  }
  return ::sendmsg(fd_, &m, 0);
}

void HubLink::send_parts(Locator locator, std::span<const iovec> parts) {
  const auto* hub = hub_of(locator);
  if (!hub) return;
  auto bound = interfaces_.find(locator);
  unsigned interface = bound == interfaces_.end() ? 0 : bound->second.second;
  // Behind a backlog, new frames wait their turn: order is kept.
  if (backlog_.empty()) {
    if (send_frame(*hub, interface, parts) >= 0) {
      ++stats_.sent;
      return;
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS) {
      ++stats_.send_errors;  // e.g. no route to the hub: this frame is lost
      return;
    }
  }
  if (backlog_.size() >= kMaxBacklog) {
    ++stats_.send_queue_drops;
    return;
  }
  auto& pending = backlog_.emplace_back(Pending{*hub, interface, {}});
  for (const auto& p : parts)
    pending.bytes.insert(pending.bytes.end(), static_cast<const std::byte*>(p.iov_base),
                         static_cast<const std::byte*>(p.iov_base) + p.iov_len);
  wait_writable();
}

void HubLink::wait_writable() {
  if (write_wait_armed_) return;
  write_wait_armed_ = true;
  watch_.async_wait(boost::asio::posix::descriptor_base::wait_write, [this](boost::system::error_code ec) {
    write_wait_armed_ = false;
    if (ec) return;
    while (!backlog_.empty()) {
      const auto& p = backlog_.front();
      iovec one = part(p.bytes.data(), p.bytes.size());
      if (send_frame(p.to, p.interface, std::span<const iovec>(&one, 1)) < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) return wait_writable();
        ++stats_.send_errors;
      } else {
        ++stats_.sent;
      }
      backlog_.pop_front();
    }
    auto waiters = std::move(writable_waiters_);
    writable_waiters_.clear();
    for (auto& w : waiters) w();
  });
}

void HubLink::when_writable(std::function<void()> ready) {
  if (backlog_.empty()) return ready();
  writable_waiters_.push_back(std::move(ready));
}

void HubLink::wait_readable() {
  watch_.async_wait(boost::asio::posix::descriptor_base::wait_read, [this](boost::system::error_code ec) {
    if (ec) return;  // cancelled at shutdown
    drain_receive();
    wait_readable();
  });
}

void HubLink::drain_receive() {
  for (int round = 0; round < 8; ++round) {  // bounded work per wakeup
    auto n = batch_.receive(fd_, rx_buffers_);
    if (n == 0) break;
    for (std::size_t i = 0; i < n; ++i) {
      ++stats_.received;
      auto frame = batch_.datagram(rx_buffers_, i);
      if (!from_a_hub(batch_.source(i))) {
        ++stats_.foreign_group;  // not from a hub of ours: nobody else may speak for one
        continue;
      }
      if (auto link = member_.accept_data(frame)) {
        on_datagram_(*link, frame.subspan(hub::kDataPrefixSize));
        continue;
      }
      handle_control(frame);
    }
    on_batch_done_();
    if (n < ReceiveBatch::kSize) break;
  }
}

void HubLink::handle_control(wire::Bytes frame) {
  using Kind = hub::ControlEvent::Kind;
  auto now = io::now();
  auto event = member_.handle_control(now, frame);
  // Replies and notices are unauthenticated (anyone may forge the hub's
  // address): every line they cause is rate-limited.
  auto limited = [&](Level level, auto&& make_line) {
    if (log_.enabled(Layer::link, level) && control_lines_.admit(now))
      log_.log(Layer::link, level, [&] { return make_line() + control_lines_.suppressed_suffix(); });
  };
  switch (event.kind) {
    case Kind::registered:
      limited(Level::info,
              [&] { return "registered locator " + event.locator.to_string() + " with " + hub_text(event.locator); });
      break;
    case Kind::refused:
      limited(Level::warn, [&] {
        return hub_text(event.locator) + " refused our registration for locator " + event.locator.to_string() + ": " +
               std::string(hub::to_string(event.status));
      });
      break;
    case Kind::notice:
      limited(Level::info, [&] {
        return hub_text(event.locator) + " does not know our address for locator " + event.locator.to_string() +
               " (NAT rebinding?): registering again";
      });
      break;
    case Kind::challenged:
      limited(Level::debug, [&] {
        return hub_text(event.locator) + " asked us to prove our address for locator " + event.locator.to_string() +
               ": registering again with its cookie";
      });
      break;
    case Kind::ignored:
      ++stats_.foreign_group;
      break;
    case Kind::refreshed:
    case Kind::left:
      break;
  }
  arm_registration_timer();
}

}  // namespace ilnp::io
