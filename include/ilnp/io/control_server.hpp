// The node's control socket: a Unix stream socket (mode 0600) that takes one
// request line per connection and answers with text, then closes. What the
// requests mean is the handler's business (apps/), not this file's.
#pragma once

#include <functional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>

namespace ilnp::io {

class ControlServer {
 public:
  static constexpr std::size_t kMaxRequestBytes = 4096;
  using Handler = std::function<std::string(const std::string& request)>;

  // Throws std::runtime_error when the path is in use by a live node or cannot be bound.
  ControlServer(boost::asio::io_context& io, std::string path, Handler handler);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  void accept();

  std::string path_;
  Handler handler_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
};

// Sends one request to a control socket and returns the whole answer.
// Throws std::runtime_error naming the path when no node answers.
[[nodiscard]] std::string control_request(const std::string& path, const std::string& request);

}  // namespace ilnp::io
