// The relay hub server (`ilnp hub`): one UDP socket; registrations go to the
// core membership table, data frames are relayed unchanged to the members the
// table names (one sendmmsg per frame). Logs what happened, never per packet.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <functional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "ilnp/core/hub/membership.hpp"
#include "ilnp/core/log.hpp"
#include "ilnp/core/rate_limited_log.hpp"
#include "ilnp/io/receive_batch.hpp"

namespace ilnp::io {

struct HubServerOptions {
  std::string listen{"[::]:10010"};
  hub::HubConfig table;  // its cookie secret is filled from the system's random source
  // The largest overlay datagram a member may send (the nodes' link.buffer_size):
  // bigger data frames are dropped and counted, never relayed.
  std::size_t max_datagram{1440};
  Duration stats_interval{std::chrono::seconds(60)};  // counters in the log; 0: only at exit
};

class HubServer {
 public:
  static constexpr std::size_t kMaxQueuedRelays = 1024;
  using Log = std::function<void(Level, const std::string&)>;

  HubServer(boost::asio::io_context& io, HubServerOptions options, Log log);
  void start();
  [[nodiscard]] const hub::MembershipTable& table() const { return table_; }
  // "members=3 registrations=12 ... refused_stale=1", one line.
  [[nodiscard]] std::string counters_text() const;
  [[nodiscard]] std::uint64_t send_drops() const { return send_drops_; }
  // The address the socket is bound to ("[::]:10010"; the real port when asked for 0).
  [[nodiscard]] std::string local_text() const;

 private:
  void wait_readable();
  void drain_receive();
  void handle_frame(const sockaddr_in6& from, wire::Bytes frame);
  void handle_registration(const sockaddr_in6& from, wire::Bytes frame);
  // Queues the frame for every destination the table chose; flush_relays()
  // sends the queue with one sendmmsg (per received batch, or when full).
  void relay(wire::Bytes frame);
  void flush_relays();
  void reply(const sockaddr_in6& to, wire::Bytes frame);
  void on_sweep_due();
  void on_stats_due();
  // Writes `line` unless `limit` suppresses it (lines untrusted input triggers).
  void log_limited(RateLimitedLog& limit, Level level, const std::string& line);
  // The periodic "N more ... lines suppressed", at the level of the lines it stands for.
  void log_suppressed(RateLimitedLog& limit, Level level, const char* what);

  HubServerOptions options_;
  hub::MembershipTable table_;
  Log log_;
  int fd_{-1};
  boost::asio::posix::stream_descriptor watch_;
  boost::asio::steady_timer sweep_timer_;
  boost::asio::steady_timer stats_timer_;
  std::vector<std::vector<std::byte>> rx_buffers_;
  ReceiveBatch batch_;
  std::vector<hub::Endpoint> destinations_;
  std::vector<sockaddr_in6> tx_addresses_;
  std::vector<iovec> tx_frames_;
  std::vector<mmsghdr> tx_messages_;
  std::uint64_t send_drops_{0};
  std::uint64_t oversized_{0};
  RateLimitedLog refusal_lines_{20, std::chrono::seconds(10)};
  RateLimitedLog membership_lines_{100, std::chrono::seconds(10)};  // registered, rebound, left, expired
  RateLimitedLog malformed_lines_{5, std::chrono::seconds(10)};
};

}  // namespace ilnp::io
