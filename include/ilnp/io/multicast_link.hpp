// The legacy link layer on a real LAN: one IPv6 UDP socket bound to the
// overlay port receives every joined group (the arrival group, read from
// IPV6_PKTINFO, names the locator); a second socket on an ephemeral port sends,
// so our own multicast echoes are recognised by their source port. Both
// directions are batched: recvmmsg per batch received, sendmmsg per flush.
//
// Each locator's group lives on one interface: its own (`0:0:0:b%wlan0`) or
// the default one. The groups are link-local scoped, so the scope id of each
// destination address picks the interface a datagram leaves on: one send
// socket and one sendmmsg serve every interface, where IPV6_MULTICAST_IF would
// cost a system call per change of interface and a socket per interface a
// descriptor and a system call per interface and flush.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <netinet/in.h>
#include <sys/uio.h>

#include "ilnp/core/types.hpp"
#include "ilnp/core/wire/bytes.hpp"
#include "ilnp/io/link.hpp"
#include "ilnp/io/link_emulation.hpp"

namespace ilnp::io {

struct LinkOptions {
  std::string interface;  // the default: every locator not bound to one of its own
  std::map<Locator, std::string> bound;  // LOC%IFNAME: the locator's group on this interface
  std::uint16_t port{10000};
  std::size_t buffer_size{1440};
  std::uint32_t uid{0};
  bool loopback{true};  // needed when several nodes share one host
  LinkEmulationOptions emulation;  // loss/delay added on send (tests, experiments)
};

// Serves every locator: the driver asks it last, after the links that serve
// only some (relay hubs).
class MulticastLink final : public Link {
 public:
  static constexpr std::size_t kBatch = 32;
  static constexpr std::size_t kMaxSendQueue = 4096;
  // A missing interface (a unit started before it) is retried, not fatal.
  static constexpr std::chrono::seconds kFirstJoinRetry{1};
  static constexpr std::chrono::seconds kMaxJoinRetry{30};

  // Throws std::system_error naming the step that failed (socket, bind...).
  // An interface that does not exist yet is not an error: joins wait for it.
  MulticastLink(boost::asio::io_context& io, LinkOptions options);
  ~MulticastLink() override;
  MulticastLink(const MulticastLink&) = delete;
  MulticastLink& operator=(const MulticastLink&) = delete;

  void start(Receiver on_datagram, BatchDone on_batch_done) override;
  [[nodiscard]] bool serves(Locator) const override { return true; }
  // Joins the locator's group, or (interface missing, join refused) keeps
  // retrying with backoff from kFirstJoinRetry doubling to kMaxJoinRetry
  // until it succeeds. Returns whether it joined now.
  bool join(Locator locator) override;
  void leave(Locator locator) override;
  // Told once per change of the link's state (waiting for the interface,
  // all groups joined), with a sentence for the log and systemd's STATUS.
  void set_state_handler(std::function<void(const std::string&)> handler) { on_state_ = std::move(handler); }
  // Groups wanted but not joined yet (0 once the interface took them all).
  [[nodiscard]] std::size_t pending_joins() const { return pending_.size(); }
  [[nodiscard]] std::size_t joined_count() const { return joined_.size(); }
  // Queues a copy for flush().
  void send(Locator locator, wire::Bytes datagram) override;
  void forward(Locator locator, wire::Bytes datagram, std::uint8_t hop_limit) override;
  // Sends what is queued with one sendmmsg. What the socket does not take is
  // copied to the send queue and sent when the socket is writable.
  void flush() override;
  void when_writable(std::function<void()> ready) override;
  [[nodiscard]] bool backlogged() const override { return !send_queue_.empty(); }
  // A snapshot: the emulation keeps its own drop count.
  [[nodiscard]] LinkStats stats() const override {
    auto snapshot = stats_;
    snapshot.emulated_drops = emulation_.dropped();
    return snapshot;
  }
  [[nodiscard]] const LinkOptions& options() const { return options_; }
  // The interface the locator's group is joined and sent on.
  [[nodiscard]] const std::string& interface_of(Locator locator) const;
  // Every interface in use, the default first: "eth0, wlan0".
  [[nodiscard]] std::string interfaces_text() const;
  // "group ff12:0:0:0:0:0:0:a%eth0".
  [[nodiscard]] std::string describe(Locator locator) const override { return "group " + group_text(locator); }

 private:
  // One datagram of the next sendmmsg: one part (a copy in tx_copies_), or
  // three around a new hop limit (a forwarded view).
  struct Outgoing {
    sockaddr_in6 to;
    std::array<iovec, 3> parts;
    std::uint8_t hop_limit;
  };
  // A datagram the socket did not take yet, copied.
  struct Pending {
    sockaddr_in6 to;
    wire::Buffer bytes;
  };

  void wait_readable();
  void drain_receive();
  void wait_writable();
  Outgoing& next_outgoing(Locator locator);
  void queue_copy(Locator locator, wire::Bytes datagram);
  void backlog(const mmsghdr& message);
  bool try_send(const Pending& pending);
  [[nodiscard]] bool is_own_echo(const sockaddr_in6& from) const;
  [[nodiscard]] sockaddr_in6 group_address(Locator locator) const;
  [[nodiscard]] std::string group_text(Locator locator) const;  // "ff12:0:0:0:0:0:0:a%eth0"
  bool try_join(Locator locator);  // errno set when false
  [[nodiscard]] unsigned index_of(Locator locator) const;  // 0: not resolved yet
  bool resolve_interface(const std::string& name);  // its index, and the local addresses
  void on_interface_lost();
  void schedule_join_retry();
  void on_join_retry_due();
  void report(const std::string& state);

  boost::asio::io_context& io_;
  LinkOptions options_;
  std::map<std::string, unsigned> if_indexes_;  // every interface in use; 0: not there (yet)
  int recv_fd_{-1};
  int send_fd_{-1};
  std::uint16_t send_port_{0};
  std::vector<std::array<std::uint8_t, 16>> local_addresses_;
  boost::asio::posix::stream_descriptor recv_watch_;
  boost::asio::posix::stream_descriptor send_watch_;
  Receiver on_datagram_;
  BatchDone on_batch_done_;
  std::vector<std::vector<std::byte>> rx_buffers_;
  std::array<mmsghdr, kBatch> tx_messages_{};
  std::array<Outgoing, kBatch> tx_{};
  wire::Buffer tx_copies_;  // kBatch slots of buffer_size bytes, for send()
  std::size_t tx_count_{0};
  wire::Buffer emulated_forward_;  // a forwarded datagram, patched for the emulation
  std::set<Locator> joined_;
  std::set<Locator> pending_;  // wanted, not joined yet
  boost::asio::steady_timer join_retry_timer_;
  std::chrono::seconds join_retry_delay_{kFirstJoinRetry};
  bool join_retry_armed_{false};
  std::string last_state_;
  std::function<void(const std::string&)> on_state_;
  std::deque<Pending> send_queue_;
  std::vector<std::function<void()>> writable_waiters_;
  bool write_wait_armed_{false};
  LinkStats stats_;
  LinkEmulation emulation_;
};

}  // namespace ilnp::io
