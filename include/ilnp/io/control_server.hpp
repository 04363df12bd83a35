// The node's control socket: a Unix stream socket (mode 0600) that takes one
// request line per connection and answers with text, then closes. What the
// requests mean is the handler's business (apps/), not this file's. The
// names socket (name lookups for every local program) is one too, mode 0666.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

namespace ilnp::io {

struct ControlServerStats {
  std::uint64_t sessions{0};           // connections accepted and served
  std::uint64_t accept_errors{0};      // accept failed (EMFILE, ENFILE, ...): accepting paused
  std::uint64_t sessions_refused{0};   // closed at once: kMaxSessions were open
  std::uint64_t sessions_timed_out{0}; // closed: no full request within kIdleTimeout
  std::uint64_t requests_too_long{0};  // closed: no newline within kMaxRequestBytes
};

// Who may connect: the node's user (control), or every local user (names).
enum class SocketAccess { owner, everyone };

class ControlServer {
 public:
  static constexpr std::size_t kMaxRequestBytes = 4096;
  static constexpr std::size_t kMaxSessions = 32;
  static constexpr auto kIdleTimeout = std::chrono::seconds(30);
  // After a failed accept (out of descriptors), wait this long before the
  // next: accepting again at once would spin on the same error.
  static constexpr auto kAcceptBackoff = std::chrono::milliseconds(100);
  static constexpr auto kLogInterval = std::chrono::seconds(10);
  using Handler = std::function<std::string(const std::string& request)>;
  using Log = std::function<void(const std::string& line)>;

  // Throws std::runtime_error when the path is in use by a live node or
  // cannot be bound. `log` hears of failures, at most one line per
  // kLogInterval (with how many were not logged).
  ControlServer(boost::asio::io_context& io, std::string path, Handler handler, Log log = {},
                SocketAccess access = SocketAccess::owner);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const ControlServerStats& stats() const { return *stats_; }

  struct Shared;  // what sessions share with the server (defined in the .cpp)

 private:
  void accept();
  void note_accept_error(const std::string& message);

  std::string path_;
  std::shared_ptr<Shared> shared_;  // outlives sessions still closing
  std::shared_ptr<ControlServerStats> stats_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  boost::asio::steady_timer backoff_;
  Log log_;
  std::chrono::steady_clock::time_point last_log_{};
  std::uint64_t unlogged_{0};
};

// Sends one request to a control socket and returns the whole answer.
// Throws std::runtime_error naming the path when no node answers.
[[nodiscard]] std::string control_request(const std::string& path, const std::string& request);

}  // namespace ilnp::io
