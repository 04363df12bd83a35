// Socket setup follows proto/README.md section 2. Receiving drains the socket
// with recvmmsg after Asio reports it readable, sending queues datagrams until
// the driver flushes them with sendmmsg: one system call per batch each way.
#include "ilnp/io/multicast_link.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <system_error>

#include "ilnp/core/wire/group.hpp"
#include "ilnp/core/wire/header.hpp"

namespace ilnp::io {

namespace {

[[noreturn]] void fail(const std::string& what) { throw std::system_error(errno, std::generic_category(), what); }

template <class T>
void set_option(int fd, int level, int name, T value, const char* what) {
  if (::setsockopt(fd, level, name, &value, sizeof value) != 0) fail(std::string("setsockopt ") + what);
}

int open_udp6() {
  int fd = ::socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) fail("socket(AF_INET6, SOCK_DGRAM)");
  return fd;
}

std::array<std::uint8_t, 16> to_array(const in6_addr& a) {
  std::array<std::uint8_t, 16> out{};
  std::memcpy(out.data(), &a, 16);
  return out;
}

}  // namespace

MulticastLink::MulticastLink(boost::asio::io_context& io, LinkOptions options)
    : io_(io),
      options_(std::move(options)),
      recv_watch_(io),
      send_watch_(io),
      join_retry_timer_(io),
      emulation_(io, options_.emulation, [this](Locator l, wire::Bytes d) {
        queue_copy(l, d);
        flush();
      }) {
  recv_fd_ = open_udp6();
  recv_watch_.assign(recv_fd_);
  set_option(recv_fd_, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
  set_option(recv_fd_, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
  // Only the groups this socket joined, not every group joined on the host.
  set_option(recv_fd_, IPPROTO_IPV6, IPV6_MULTICAST_ALL, 0, "IPV6_MULTICAST_ALL");
  set_option(recv_fd_, SOL_SOCKET, SO_RCVBUF, 4 << 20, "SO_RCVBUF");
  sockaddr_in6 bind_addr{};
  bind_addr.sin6_family = AF_INET6;
  bind_addr.sin6_port = htons(options_.port);
  bind_addr.sin6_addr = in6addr_any;
  if (::bind(recv_fd_, reinterpret_cast<sockaddr*>(&bind_addr), sizeof bind_addr) != 0)
    fail("bind [::]:" + std::to_string(options_.port));

  send_fd_ = open_udp6();
  send_watch_.assign(send_fd_);
  set_option(send_fd_, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 1, "IPV6_MULTICAST_HOPS");
  set_option(send_fd_, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, options_.loopback ? 1 : 0, "IPV6_MULTICAST_LOOP");
  set_option(send_fd_, SOL_SOCKET, SO_SNDBUF, 4 << 20, "SO_SNDBUF");
  sockaddr_in6 any{};
  any.sin6_family = AF_INET6;
  if (::bind(send_fd_, reinterpret_cast<sockaddr*>(&any), sizeof any) != 0) fail("bind send socket");
  socklen_t len = sizeof any;
  if (::getsockname(send_fd_, reinterpret_cast<sockaddr*>(&any), &len) != 0) fail("getsockname");
  send_port_ = ntohs(any.sin6_port);
  if_indexes_[options_.interface] = 0;
  for (const auto& [locator, name] : options_.bound) if_indexes_[name] = 0;
  for (const auto& [name, index] : if_indexes_) resolve_interface(name);  // or later, when a join finds it
  rx_buffers_.assign(kBatch, std::vector<std::byte>(options_.buffer_size + 1));
  tx_copies_.resize(kBatch * options_.buffer_size);
  for (std::size_t i = 0; i < kBatch; ++i) {
    auto& m = tx_messages_[i].msg_hdr;
    m.msg_name = &tx_[i].to;
    m.msg_namelen = sizeof tx_[i].to;
    m.msg_iov = tx_[i].parts.data();
  }
}

MulticastLink::~MulticastLink() = default;  // the descriptors close the sockets

sockaddr_in6 MulticastLink::group_address(Locator locator) const {
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_port = htons(options_.port);
  auto group = wire::group_for(locator, options_.uid);
  std::memcpy(&a.sin6_addr, group.data(), 16);
  // Picks the interface a datagram leaves on (link-local scope: the scope id is the output interface).
  a.sin6_scope_id = index_of(locator);
  return a;
}

const std::string& MulticastLink::interface_of(Locator locator) const {
  auto bound = options_.bound.find(locator);
  return bound == options_.bound.end() ? options_.interface : bound->second;
}

unsigned MulticastLink::index_of(Locator locator) const { return if_indexes_.at(interface_of(locator)); }

std::string MulticastLink::interfaces_text() const {
  std::string out = options_.interface;
  for (const auto& [name, index] : if_indexes_)
    if (name != options_.interface) out += ", " + name;
  return out;
}

std::string MulticastLink::group_text(Locator locator) const {
  auto a = group_address(locator);
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET6, &a.sin6_addr, text, sizeof text);
  return std::string(text) + "%" + interface_of(locator);
}

bool MulticastLink::resolve_interface(const std::string& name) {
  auto& index = if_indexes_.at(name);
  index = ::if_nametoindex(name.c_str());
  if (index == 0) return false;
  local_addresses_.clear();
  ifaddrs* addrs = nullptr;
  if (::getifaddrs(&addrs) == 0) {
    for (auto* a = addrs; a; a = a->ifa_next)
      if (a->ifa_addr && a->ifa_addr->sa_family == AF_INET6)
        local_addresses_.push_back(to_array(reinterpret_cast<sockaddr_in6*>(a->ifa_addr)->sin6_addr));
    ::freeifaddrs(addrs);
  }
  return true;
}

bool MulticastLink::try_join(Locator locator) {
  const auto& name = interface_of(locator);
  if (index_of(locator) == 0 && !resolve_interface(name)) {
    errno = ENODEV;
    return false;
  }
  ipv6_mreq req{};
  req.ipv6mr_multiaddr = group_address(locator).sin6_addr;
  req.ipv6mr_interface = index_of(locator);
  if (::setsockopt(recv_fd_, IPPROTO_IPV6, IPV6_JOIN_GROUP, &req, sizeof req) == 0 || errno == EADDRINUSE) {
    joined_.insert(locator);
    pending_.erase(locator);
    return true;
  }
  if (errno == ENODEV) if_indexes_.at(name) = 0;  // gone or renumbered: look it up again next time
  return false;
}

bool MulticastLink::join(Locator locator) {
  if (try_join(locator)) return true;
  const int error = errno;
  pending_.insert(locator);
  report(index_of(locator) == 0 ? "waiting for interface " + interface_of(locator) + " (it does not exist yet) to join " +
                                      std::to_string(pending_.size()) + " group(s), retrying"
                                : "cannot join " + group_text(locator) + " yet: " + std::strerror(error) + ", retrying");
  schedule_join_retry();
  return false;
}

void MulticastLink::leave(Locator locator) {
  pending_.erase(locator);
  if (!joined_.erase(locator)) return;
  ipv6_mreq req{};
  req.ipv6mr_multiaddr = group_address(locator).sin6_addr;
  req.ipv6mr_interface = index_of(locator);
  // The interface may be gone, and with it the membership: nothing to undo then.
  (void)::setsockopt(recv_fd_, IPPROTO_IPV6, IPV6_LEAVE_GROUP, &req, sizeof req);
}

void MulticastLink::on_interface_lost() {
  std::string lost;
  for (auto& [name, index] : if_indexes_) {
    if (index == 0 || ::if_nametoindex(name.c_str()) == index) continue;
    index = 0;
    lost += (lost.empty() ? "" : ", ") + name;
  }
  if (lost.empty()) return;
  for (auto it = joined_.begin(); it != joined_.end();) {
    if (index_of(*it) != 0) {
      ++it;
      continue;
    }
    pending_.insert(*it);
    it = joined_.erase(it);
  }
  report("interface " + lost + " disappeared: waiting for it to rejoin " + std::to_string(pending_.size()) +
         " group(s), retrying");
  schedule_join_retry();
}

void MulticastLink::schedule_join_retry() {
  if (join_retry_armed_ || pending_.empty()) return;
  join_retry_armed_ = true;
  join_retry_timer_.expires_after(join_retry_delay_);
  join_retry_timer_.async_wait([this](boost::system::error_code ec) {
    join_retry_armed_ = false;
    if (!ec) on_join_retry_due();
  });
  join_retry_delay_ = std::min(join_retry_delay_ * 2, std::chrono::seconds(kMaxJoinRetry));
}

void MulticastLink::on_join_retry_due() {
  const auto wanted = pending_;
  std::set<std::string> missing;  // one failed join per missing interface is enough
  for (auto l : wanted) {
    if (missing.contains(interface_of(l))) continue;
    ++stats_.join_retries;
    if (!try_join(l) && index_of(l) == 0) missing.insert(interface_of(l));
  }
  if (!pending_.empty()) return schedule_join_retry();
  join_retry_delay_ = kFirstJoinRetry;
  report("joined " + std::to_string(joined_.size()) + " group(s) on " + interfaces_text());
}

void MulticastLink::report(const std::string& state) {
  if (state == last_state_) return;
  last_state_ = state;
  if (on_state_) on_state_(state);
}

void MulticastLink::start(Receiver on_datagram, BatchDone on_batch_done) {
  on_datagram_ = std::move(on_datagram);
  on_batch_done_ = std::move(on_batch_done);
  wait_readable();
}

void MulticastLink::wait_readable() {
  recv_watch_.async_wait(boost::asio::posix::descriptor_base::wait_read, [this](boost::system::error_code ec) {
    if (ec) return;  // cancelled at shutdown
    drain_receive();
    wait_readable();
  });
}

bool MulticastLink::is_own_echo(const sockaddr_in6& from) const {
  if (ntohs(from.sin6_port) != send_port_) return false;
  auto source = to_array(from.sin6_addr);
  for (const auto& a : local_addresses_)
    if (a == source) return true;
  return false;
}

void MulticastLink::drain_receive() {
  std::array<mmsghdr, kBatch> msgs{};
  std::array<iovec, kBatch> iovs{};
  std::array<sockaddr_in6, kBatch> from{};
  std::array<std::array<char, CMSG_SPACE(sizeof(in6_pktinfo))>, kBatch> control{};
  // Bounded work per wakeup keeps timers and the send path fair.
  for (int round = 0; round < 8; ++round) {
    for (std::size_t i = 0; i < kBatch; ++i) {
      iovs[i] = iovec{rx_buffers_[i].data(), rx_buffers_[i].size()};
      msgs[i].msg_hdr = msghdr{};
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_namelen = sizeof from[i];
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_control = control[i].data();
      msgs[i].msg_hdr.msg_controllen = control[i].size();
    }
    int n = ::recvmmsg(recv_fd_, msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) break;
    for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
      ++stats_.received;
      if (is_own_echo(from[i])) {
        ++stats_.own_echoes;
        continue;
      }
      std::optional<Locator> arrival;
      for (auto* c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c)) {
        if (c->cmsg_level != IPPROTO_IPV6 || c->cmsg_type != IPV6_PKTINFO) continue;
        in6_pktinfo info{};
        std::memcpy(&info, CMSG_DATA(c), sizeof info);
        arrival = wire::locator_of_group(to_array(info.ipi6_addr), options_.uid);
        // Our group heard on another interface (another process joined it
        // there) is not our link.
        if (arrival && info.ipi6_ifindex != index_of(*arrival)) arrival.reset();
      }
      if (!arrival) {
        ++stats_.foreign_group;
        continue;
      }
      on_datagram_(*arrival, wire::Bytes(rx_buffers_[i].data(), msgs[i].msg_len));
    }
    on_batch_done_();
    if (static_cast<std::size_t>(n) < kBatch) break;
  }
}

void MulticastLink::send(Locator locator, wire::Bytes datagram) {
  if (emulation_.active()) return emulation_.submit(locator, datagram);
  queue_copy(locator, datagram);
}

void MulticastLink::forward(Locator locator, wire::Bytes datagram, std::uint8_t hop_limit) {
  if (emulation_.active()) {
    emulated_forward_.assign(datagram.begin(), datagram.end());
    emulated_forward_[wire::kHopLimitOffset] = std::byte{hop_limit};
    return emulation_.submit(locator, emulated_forward_);
  }
  auto& out = next_outgoing(locator);
  out.hop_limit = hop_limit;
  // The kernel gathers the parts: the datagram is copied once, into the socket.
  auto* bytes = const_cast<std::byte*>(datagram.data());
  out.parts = {iovec{bytes, wire::kHopLimitOffset}, iovec{&out.hop_limit, 1},
               iovec{bytes + wire::kHopLimitOffset + 1, datagram.size() - wire::kHopLimitOffset - 1}};
  tx_messages_[tx_count_ - 1].msg_hdr.msg_iovlen = 3;
}

void MulticastLink::queue_copy(Locator locator, wire::Bytes datagram) {
  if (datagram.size() > options_.buffer_size) {
    ++stats_.send_errors;  // the core never builds one: it sizes datagrams by the same buffer_size
    return;
  }
  auto& out = next_outgoing(locator);
  auto* slot = tx_copies_.data() + (tx_count_ - 1) * options_.buffer_size;
  std::memcpy(slot, datagram.data(), datagram.size());
  out.parts[0] = iovec{slot, datagram.size()};
  tx_messages_[tx_count_ - 1].msg_hdr.msg_iovlen = 1;
}

MulticastLink::Outgoing& MulticastLink::next_outgoing(Locator locator) {
  if (tx_count_ == kBatch) flush();
  auto& out = tx_[tx_count_++];
  out.to = group_address(locator);
  return out;
}

void MulticastLink::flush() {
  std::size_t done = 0;
  // Behind a backlog, new datagrams wait their turn: order is kept.
  while (send_queue_.empty() && done < tx_count_) {
    int n = ::sendmmsg(send_fd_, tx_messages_.data() + done, static_cast<unsigned>(tx_count_ - done), 0);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      stats_.sent += static_cast<std::uint64_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) break;
    if (errno == ENODEV || errno == ENXIO) on_interface_lost();
    ++stats_.send_errors;  // e.g. the interface went down: this datagram is lost
    ++done;
  }
  for (; done < tx_count_; ++done) backlog(tx_messages_[done]);
  tx_count_ = 0;
  if (!send_queue_.empty()) wait_writable();
}

void MulticastLink::backlog(const mmsghdr& message) {
  if (send_queue_.size() >= kMaxSendQueue) {
    ++stats_.send_queue_drops;
    return;
  }
  auto& pending = send_queue_.emplace_back(Pending{*static_cast<const sockaddr_in6*>(message.msg_hdr.msg_name), {}});
  for (std::size_t i = 0; i < message.msg_hdr.msg_iovlen; ++i) {
    const auto* part = static_cast<const std::byte*>(message.msg_hdr.msg_iov[i].iov_base);
    pending.bytes.insert(pending.bytes.end(), part, part + message.msg_hdr.msg_iov[i].iov_len);
  }
}

bool MulticastLink::try_send(const Pending& pending) {
  auto n = ::sendto(send_fd_, pending.bytes.data(), pending.bytes.size(), 0,
                    reinterpret_cast<const sockaddr*>(&pending.to), sizeof pending.to);
  if (n >= 0) {
    ++stats_.sent;
    return true;
  }
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) return false;
  ++stats_.send_errors;  // e.g. the interface went down: the datagram is lost
  return true;
}

void MulticastLink::wait_writable() {
  if (write_wait_armed_) return;
  write_wait_armed_ = true;
  send_watch_.async_wait(boost::asio::posix::descriptor_base::wait_write, [this](boost::system::error_code ec) {
    write_wait_armed_ = false;
    if (ec) return;
    while (!send_queue_.empty() && try_send(send_queue_.front())) send_queue_.pop_front();
    if (!send_queue_.empty()) return wait_writable();
    auto waiters = std::move(writable_waiters_);
    writable_waiters_.clear();
    for (auto& w : waiters) w();
  });
}

void MulticastLink::when_writable(std::function<void()> ready) {
  if (send_queue_.empty()) return ready();
  writable_waiters_.push_back(std::move(ready));
}

}  // namespace ilnp::io
