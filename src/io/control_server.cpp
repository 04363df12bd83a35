// One connection = one request line and one answer. Requests are capped in
// size; a client that sends nothing is dropped when the node stops.
#include "ilnp/io/control_server.hpp"

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

struct Session : std::enable_shared_from_this<Session> {
  Session(stream_protocol::socket s, const ControlServer::Handler& h) : socket(std::move(s)), handler(h) {}
  void start() {
    auto self = shared_from_this();
    boost::asio::async_read_until(socket, buffer, '\n', [self](boost::system::error_code ec, std::size_t n) {
      if (ec && ec != boost::asio::error::eof) return;
      std::string request(boost::asio::buffers_begin(self->buffer.data()),
                          boost::asio::buffers_begin(self->buffer.data()) + static_cast<std::ptrdiff_t>(n));
      while (!request.empty() && (request.back() == '\n' || request.back() == '\r')) request.pop_back();
      self->answer = self->handler(request);
      boost::asio::async_write(self->socket, boost::asio::buffer(self->answer),
                               [self](boost::system::error_code, std::size_t) {});
    });
  }
  stream_protocol::socket socket;
  const ControlServer::Handler& handler;
  boost::asio::streambuf buffer{ControlServer::kMaxRequestBytes};
  std::string answer;
};
}  // namespace

ControlServer::ControlServer(boost::asio::io_context& io, std::string path, Handler handler)
    : path_(std::move(path)), handler_(std::move(handler)), acceptor_(io) {
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path());
  if (std::filesystem::exists(path_)) {
    if (someone_listens(path_)) throw std::runtime_error("control socket " + path_ + " is in use by a running node");
    std::filesystem::remove(path_);  // left behind by a node that crashed
  }
  auto old_mask = ::umask(0177);  // the socket is created 0600
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
  acceptor_.close(ec);
  ::unlink(path_.c_str());
}

void ControlServer::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, stream_protocol::socket socket) {
    if (ec == boost::asio::error::operation_aborted) return;
    if (!ec) std::make_shared<Session>(std::move(socket), handler_)->start();
    accept();
  });
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
