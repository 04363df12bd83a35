// A node's links to relay hubs (proto/README.md section 12): one UDP socket
// for every hub-backed locator. Joining a locator registers with its hub and
// keeps the registration alive (core hub::HubMember decides when); sending
// on it sends a data frame to the hub, which relays it to the other members.
#pragma once

#include <netinet/in.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "ilnp/core/hub/member.hpp"
#include "ilnp/core/log.hpp"
#include "ilnp/core/rate_limited_log.hpp"
#include "ilnp/io/link.hpp"
#include "ilnp/io/receive_batch.hpp"

namespace ilnp::io {

struct HubLinkOptions {
  std::map<Locator, std::string> hubs;  // locator -> "host:port" of its hub
  // LOCATOR%IFNAME: frames for the locator leave by that interface (so the
  // hub sees its address), and its link going down is the locator's.
  std::map<Locator, std::string> interfaces;
  std::size_t buffer_size{1440};        // largest overlay datagram
  hub::MemberConfig member;
};

class HubLink final : public Link {
 public:
  static constexpr std::size_t kMaxBacklog = 4096;

  // Resolves every hub now; throws naming the one that failed. `identity`
  // (secure mode) signs registrations and must outlive the link.
  HubLink(boost::asio::io_context& io, HubLinkOptions options, const security::Identity* identity, Nid nid,
          Logger logger);
  ~HubLink() override;
  HubLink(const HubLink&) = delete;
  HubLink& operator=(const HubLink&) = delete;

  // True for locators backed by a hub. Cheap: the driver asks per datagram.
  [[nodiscard]] bool serves(Locator locator) const override {
    return !locators_.empty() && std::binary_search(locators_.begin(), locators_.end(), locator);
  }
  void start(Receiver on_datagram, BatchDone on_batch_done) override;
  // Registers with the locator's hub: joined as far as the driver knows (the
  // registration is retried until the hub accepts it).
  bool join(Locator locator) override;
  void leave(Locator locator) override;
  // Each sends one frame at once (sendmsg gathering prefix and datagram).
  void send(Locator locator, wire::Bytes datagram) override;
  void forward(Locator locator, wire::Bytes datagram, std::uint8_t hop_limit) override;
  void when_writable(std::function<void()> ready) override;
  [[nodiscard]] bool backlogged() const override { return !backlog_.empty(); }
  [[nodiscard]] LinkStats stats() const override { return stats_; }
  [[nodiscard]] const hub::MemberCounters& member_counters() const { return member_.counters(); }
  // "locator 0:0:0:a through hub 127.0.0.1:10010".
  [[nodiscard]] std::string describe(Locator locator) const override;

 private:
  struct Pending {
    sockaddr_in6 to;
    unsigned interface;  // 0: the routing table's choice
    wire::Buffer bytes;
  };
  void send_parts(Locator locator, std::span<const iovec> parts);
  // One sendmsg, out of `interface` when it is not 0 (IPV6_PKTINFO).
  ssize_t send_frame(const sockaddr_in6& to, unsigned interface, std::span<const iovec> parts);
  void send_control(Locator locator, wire::Bytes frame);
  void on_registration_due();
  void arm_registration_timer();
  void wait_readable();
  void drain_receive();
  void handle_control(wire::Bytes frame);
  void wait_writable();
  [[nodiscard]] const sockaddr_in6* hub_of(Locator locator) const;
  [[nodiscard]] bool from_a_hub(const sockaddr_in6& from) const;
  [[nodiscard]] std::string hub_text(Locator locator) const;  // "hub 127.0.0.1:10010"

  boost::asio::io_context& io_;
  std::map<Locator, sockaddr_in6> hubs_;
  std::map<Locator, std::pair<std::string, unsigned>> interfaces_;  // name, index
  std::vector<Locator> locators_;  // sorted keys of hubs_, for serves()
  std::size_t buffer_size_;
  hub::HubMember member_;
  Logger log_;
  int fd_{-1};
  boost::asio::posix::stream_descriptor watch_;
  boost::asio::steady_timer registration_timer_;
  Receiver on_datagram_;
  BatchDone on_batch_done_;
  std::vector<std::vector<std::byte>> rx_buffers_;
  ReceiveBatch batch_;
  std::vector<hub::OutgoingRegistration> due_;
  std::deque<Pending> backlog_;
  std::vector<std::function<void()>> writable_waiters_;
  bool write_wait_armed_{false};
  LinkStats stats_;
  RateLimitedLog control_lines_{10, std::chrono::seconds(10)};
};

}  // namespace ilnp::io
