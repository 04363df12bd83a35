// One stream gateway connection's state machine (session.hpp): each event
// moves the phases and ends forward, never back; what is left to do is
// derived from them when polled.
#include "ilnp/core/stream/session.hpp"

#include <algorithm>

namespace ilnp::stream {

Session Session::outbound(std::uint64_t window) { return Session(window); }

Session Session::inbound(std::uint64_t window, std::uint16_t stream, std::uint32_t connection) {
  Session s(window);
  s.inbound_ = true;
  s.phase_ = Phase::streaming;
  s.tcp_ = Tcp::connecting;
  s.stream_ = stream;
  s.connection_ = connection;
  return s;
}

Session::Unresolved Session::handle_unresolved(Instant now, Duration timeout) {
  if (resolve_deadline_ == kNever) {
    resolve_deadline_ = now + timeout;
    return Unresolved::asking;
  }
  return now >= resolve_deadline_ ? Unresolved::expired : Unresolved::still_asking;
}

void Session::handle_stream_started(std::uint16_t stream, std::uint32_t connection, const std::string& service) {
  phase_ = Phase::streaming;
  stream_ = stream;
  connection_ = connection;
  open_message_ = mux::encode(mux::Open{connection, service});
  open_unsent_ = true;
}

void Session::handle_stream_lost() {
  if (phase_ == Phase::streaming) phase_ = Phase::released;  // the id went with the association
}

// ---- TCP

void Session::handle_tcp_connected() {
  if (tcp_ == Tcp::connecting) tcp_ = Tcp::connected;
}

void Session::handle_tcp_read(std::size_t n) {
  if (tcp_ == Tcp::closed) return;
  chunk_length_ = n;
}

void Session::handle_tcp_eof() {
  if (tcp_ == Tcp::closed) return;
  if (sending_ == Sending::open) sending_ = Sending::eof;
  close_tcp_if_done();
}

bool Session::handle_tcp_written(std::size_t n) {
  if (!writes_.empty()) writes_.pop_front();
  bytes_in_ += n;
  receive_credit_.on_consumed(n);
  if (end_received()) return false;
  auto due = receive_credit_.credit_due();
  if (!due) return false;
  credit_unsent_ = due;
  return true;
}

void Session::abort(const std::string& error) {
  if (error_.empty()) error_ = error;
  close_tcp(TcpAction::abort);
  writes_.clear();
  chunk_length_ = 0;
  // Tell the peer, unless its end and ours have both been said already.
  if (phase_ == Phase::streaming && reset_ != Reset::sent && !(sending_ == Sending::fin_sent && end_received())) {
    reset_ = Reset::queued;
    reset_reason_ = error;
  }
}

void Session::refuse(const std::string& why) {
  refused_ = true;
  tcp_ = Tcp::closed;  // never opened: nothing to abort
  abort(why);
}

void Session::close_tcp(TcpAction how) {
  if (tcp_ == Tcp::closed) return;
  tcp_ = Tcp::closed;
  tcp_actions_.push_back(how);
}

void Session::close_tcp_if_done() {
  if (sending_ != Sending::open && receiving_ == Receiving::fin_written) close_tcp(TcpAction::close);
}

// ---- messages from the peer

DataResult Session::handle_data(wire::Bytes data) {
  if (end_received()) return DataResult::after_end;
  if (!receive_credit_.on_data(data.size())) return DataResult::beyond_credit;
  if (tcp_ == Tcp::closed || reset_ != Reset::none) return DataResult::dropped;
  writes_.emplace_back(data.begin(), data.end());
  return DataResult::accepted;
}

EndResult Session::handle_fin() {
  // Each direction ends once, with FIN or RESET; a RESET may still follow a FIN.
  if (end_received()) return EndResult::second_end;
  receiving_ = Receiving::fin_received;
  return EndResult::accepted;
}

EndResult Session::handle_reset(const std::string& error) {
  if (receiving_ == Receiving::reset_received) return EndResult::second_end;
  receiving_ = Receiving::reset_received;
  if (error_.empty()) error_ = error;
  close_tcp(TcpAction::abort);
  writes_.clear();
  if (!end_sent()) {
    reset_ = Reset::queued;
    reset_reason_ = "reset acknowledged";
  }
  return EndResult::accepted;
}

// ---- what to do next

std::optional<Outgoing> Session::poll_message() {
  if (phase_ != Phase::streaming) return std::nullopt;
  if (open_unsent_) return Outgoing{mux::Kind::open, open_message_};
  if (credit_unsent_ && !end_received()) {
    encoded_ = mux::encode(mux::Credit{connection_, *credit_unsent_});
    return Outgoing{mux::Kind::credit, encoded_};
  }
  credit_unsent_.reset();  // the peer has ended its direction: no more DATA to grant
  if (reset_ == Reset::queued) {
    encoded_ = mux::encode(mux::Reset{connection_, reset_reason_});
    return Outgoing{mux::Kind::reset, encoded_};
  }
  if (end_sent()) return std::nullopt;
  if (chunk_length_ > 0) return Outgoing{mux::Kind::data, wire::Bytes(chunk_.data(), chunk_length_)};
  if (sending_ == Sending::eof) {
    encoded_ = mux::encode(mux::Fin{connection_});
    return Outgoing{mux::Kind::fin, encoded_};
  }
  return std::nullopt;
}

void Session::handle_sent(mux::Kind kind) {
  switch (kind) {
    case mux::Kind::open:
      open_unsent_ = false;
      break;
    case mux::Kind::credit:
      credit_unsent_.reset();
      break;
    case mux::Kind::reset:
      reset_ = Reset::sent;
      chunk_length_ = 0;
      break;
    case mux::Kind::data:
      send_credit_.on_sent(chunk_length_);
      bytes_out_ += chunk_length_;
      chunk_length_ = 0;
      break;
    case mux::Kind::fin:
      sending_ = Sending::fin_sent;
      break;
  }
}

std::size_t Session::read_room() const {
  if (tcp_ != Tcp::connected || sending_ != Sending::open || phase_ != Phase::streaming || chunk_length_ > 0 ||
      reset_ != Reset::none)
    return 0;
  // At most kReadChunk, so it fits a size_t on 32-bit targets; 0 until a
  // CREDIT from the peer opens the window again.
  return static_cast<std::size_t>(std::min<std::uint64_t>(send_credit_.available(), kReadChunk));
}

std::span<std::byte> Session::read_buffer(std::size_t room) {
  chunk_.resize(kReadChunk);
  return {chunk_.data(), std::min(room, kReadChunk)};
}

const wire::Buffer* Session::pending_write() {
  if (tcp_ != Tcp::connected) return nullptr;
  if (!writes_.empty()) return &writes_.front();
  if (receiving_ == Receiving::fin_received) {
    receiving_ = Receiving::fin_written;
    tcp_actions_.push_back(TcpAction::shutdown_send);
    close_tcp_if_done();
  }
  return nullptr;
}

std::optional<TcpAction> Session::poll_tcp() {
  if (tcp_actions_.empty()) return std::nullopt;
  auto action = tcp_actions_.front();
  tcp_actions_.erase(tcp_actions_.begin());
  return action;
}

std::optional<std::uint16_t> Session::poll_release() {
  if (phase_ != Phase::streaming || !end_sent() || !end_received()) return std::nullopt;
  phase_ = Phase::released;
  return stream_;
}

bool Session::poll_finished() {
  if (finish_reported_ || tcp_ != Tcp::closed || phase_ == Phase::streaming) return false;
  phase_ = Phase::finished;  // the stream's ends are said (or it never had one) and TCP is closed
  finish_reported_ = true;
  return true;
}

// ---- what it is

std::string_view Session::state() const {
  switch (phase_) {
    case Phase::finished:
      return "closed";
    case Phase::resolving:
      return "resolving the remote";
    case Phase::waiting:
      return "waiting for the association";
    case Phase::streaming:
    case Phase::released:
      break;
  }
  if (inbound_ && tcp_ == Tcp::connecting) return "connecting";
  if (reset_ != Reset::none || receiving_ == Receiving::reset_received) return "resetting";
  bool fin_received = receiving_ == Receiving::fin_received || receiving_ == Receiving::fin_written;
  if (sending_ == Sending::fin_sent && fin_received) return "closing";
  if (sending_ == Sending::fin_sent) return "fin sent";
  if (fin_received) return "fin received";
  return "open";
}

}  // namespace ilnp::stream
