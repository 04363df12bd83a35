// One connection = one request line and one answer. Requests are capped in
// size, sessions in number and in idle time; a failed accept backs off.
#include "ilnp/io/control_server.hpp"

#include "ilnp/io/control_request.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>
#include <memory>

namespace ilnp::io {

namespace {
using boost::asio::local::stream_protocol;

bool someone_listens(const std::string& path) {
  boost::asio::io_context io;
  stream_protocol::socket s(io);
  boost::system::error_code ec;
  s.connect(stream_protocol::endpoint(path), ec);
  return !ec;
}
}  // namespace

// What sessions share with the server: the handler, the stats and the count
// of open sessions. Held by shared_ptr so a session closing after the server
// is gone touches nothing freed.
struct ControlServer::Shared {
  Handler handler;
  std::shared_ptr<ControlServerStats> stats;
  std::size_t open{0};
};

namespace {

struct Session : std::enable_shared_from_this<Session> {
  Session(stream_protocol::socket s, std::shared_ptr<ControlServer::Shared> sh)
      : socket(std::move(s)), shared(std::move(sh)), idle(socket.get_executor()) {
    ++shared->open;
  }
  ~Session() { --shared->open; }

  void start() {
    auto self = shared_from_this();
    // A client that sends no full line in time is closed: an idle session
    // would hold a descriptor and a session slot for ever.
    idle.expires_after(ControlServer::kIdleTimeout);
    idle.async_wait([self](boost::system::error_code ec) {
      if (ec) return;
      ++self->shared->stats->sessions_timed_out;
      boost::system::error_code ignored;
      self->socket.close(ignored);
    });
    boost::asio::async_read_until(socket, buffer, '\n', [self](boost::system::error_code ec, std::size_t n) {
      self->idle.cancel();
      if (ec == boost::asio::error::not_found) ++self->shared->stats->requests_too_long;
      if (ec && ec != boost::asio::error::eof) return;
      const std::string received(boost::asio::buffers_begin(self->buffer.data()),
                                 boost::asio::buffers_begin(self->buffer.data()) + static_cast<std::ptrdiff_t>(n));
      // At end of file without a newline n is 0: an empty request, as before.
      const std::string request = control_request_line(received, ControlServer::kMaxRequestBytes).value_or("");
      ++self->shared->stats->sessions;
      self->answer = self->shared->handler(request);
      // The answer too must leave within the timeout (a client that never reads).
      self->idle.expires_after(ControlServer::kIdleTimeout);
      self->idle.async_wait([self](boost::system::error_code e) {
        if (e) return;
        ++self->shared->stats->sessions_timed_out;
        boost::system::error_code ignored;
        self->socket.close(ignored);
      });
      boost::asio::async_write(self->socket, boost::asio::buffer(self->answer),
                               [self](boost::system::error_code, std::size_t) { self->idle.cancel(); });
    });
  }
  stream_protocol::socket socket;
  std::shared_ptr<ControlServer::Shared> shared;
  boost::asio::steady_timer idle;
  boost::asio::streambuf buffer{ControlServer::kMaxRequestBytes};
  std::string answer;
};
}  // namespace

ControlServer::ControlServer(boost::asio::io_context& io, std::string path, Handler handler, Log log,
                             SocketAccess access)
    : path_(std::move(path)),
      shared_(std::make_shared<Shared>()),
      stats_(std::make_shared<ControlServerStats>()),
      acceptor_(io),
      backoff_(io) {
  shared_->handler = std::move(handler);
  shared_->stats = stats_;
  log_ = std::move(log);
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path());
  if (std::filesystem::exists(path_)) {
    if (someone_listens(path_)) throw std::runtime_error("control socket " + path_ + " is in use by a running node");
    std::filesystem::remove(path_);  // left behind by a node that crashed
  }
  // The socket is created 0600 or 0666: bind() takes the mode from the umask.
  auto old_mask = ::umask(access == SocketAccess::owner ? 0177 : 0111);
  boost::system::error_code ec;
  acceptor_.open(stream_protocol(), ec);
  if (!ec) acceptor_.bind(stream_protocol::endpoint(path_), ec);
  ::umask(old_mask);
  if (!ec) acceptor_.listen(8, ec);
  if (ec) throw std::runtime_error("control socket " + path_ + ": " + ec.message());
  accept();
}

ControlServer::~ControlServer() {
  boost::system::error_code ec;
  backoff_.cancel();
  acceptor_.close(ec);
  ::unlink(path_.c_str());
}

void ControlServer::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, stream_protocol::socket socket) {
    if (ec == boost::asio::error::operation_aborted) return;
    if (ec) {
      // EMFILE, ENFILE, ENOBUFS...: the pending connection stays in the
      // backlog; try again after a pause instead of spinning on the error.
      note_accept_error(ec.message());
      backoff_.expires_after(kAcceptBackoff);
      backoff_.async_wait([this](boost::system::error_code e) {
        if (!e) accept();
      });
      return;
    }
    if (shared_->open >= kMaxSessions) {
      ++stats_->sessions_refused;
      boost::system::error_code ignored;
      socket.close(ignored);
    } else {
      std::make_shared<Session>(std::move(socket), shared_)->start();
    }
    accept();
  });
}

void ControlServer::note_accept_error(const std::string& message) {
  ++stats_->accept_errors;
  const auto now = std::chrono::steady_clock::now();
  if (!log_ || (last_log_ != std::chrono::steady_clock::time_point{} && now - last_log_ < kLogInterval)) {
    ++unlogged_;
    return;
  }
  log_("control socket " + path_ + ": accept failed (" + message + "), pausing accepts for " +
       std::to_string(kAcceptBackoff.count()) + " ms; " + std::to_string(unlogged_) +
       " more failures since the last line; " + std::to_string(stats_->accept_errors) + " in all");
  last_log_ = now;
  unlogged_ = 0;
}

std::string control_request(const std::string& path, const std::string& request) {
  boost::asio::io_context io;
  stream_protocol::socket s(io);
  boost::system::error_code ec;
  s.connect(stream_protocol::endpoint(path), ec);
  if (ec) throw std::runtime_error("no node answers on " + path + " (" + ec.message() + ")");
  boost::asio::write(s, boost::asio::buffer(request + "\n"), ec);
  std::string answer;
  std::array<char, 4096> chunk{};
  for (;;) {
    auto n = s.read_some(boost::asio::buffer(chunk), ec);
    answer.append(chunk.data(), n);
    if (ec) break;
  }
  return answer;
}

}  // namespace ilnp::io
