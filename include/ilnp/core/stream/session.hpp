// One TCP connection carried as one SCTP stream of the stream gateway, as a
// state machine: where the connection is in its life, each direction's end
// (TCP -> peer, peer -> TCP), the TCP socket's phase, the credit windows and
// the bytes between TCP and the stream. Events go in through handle_*; what
// to do next comes out of poll_* (the next mux message to send, what to read
// from and write to TCP, when to shut, close or abort the socket). No
// sockets, usrsctp or clocks: the io gateway performs what it asks.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ilnp/core/stream/mux.hpp"
#include "ilnp/core/time.hpp"
#include "ilnp/core/wire/bytes.hpp"

namespace ilnp::stream {

// Where the connection is in its life.
enum class Phase {
  resolving,  // outbound: discovery has no name for the remote yet
  waiting,    // outbound: for the association to come up
  streaming,  // it has a stream id
  released,   // its stream id is free again; the TCP socket may still be closing
  finished,   // nothing left to do: recorded and forgotten by the gateway
};
// TCP -> peer.
enum class Sending { open, eof, fin_sent };  // eof: read from TCP; FIN follows the data read
// Peer -> TCP.
enum class Receiving { open, fin_received, fin_written, reset_received };  // fin_written: TCP write side shut
// The RESET this end sends (to abort, or to answer one).
enum class Reset { none, queued, sent };
enum class Tcp { connecting, connected, closed };

// What the socket glue is to do with the TCP socket, in order.
enum class TcpAction { shutdown_send, close, abort /* RST: the program sees the failure */ };

// The next message for the stream; `payload` is valid until the next call.
struct Outgoing {
  mux::Kind kind;
  wire::Bytes payload;
};

// What became of DATA from the peer.
enum class DataResult { accepted, dropped /* being aborted */, after_end, beyond_credit };
// What became of a FIN or RESET from the peer.
enum class EndResult { accepted, second_end };

class Session {
 public:
  static constexpr std::size_t kReadChunk = 32 * 1024;

  // Outbound: accepted by a listener here (TCP connected, resolving the
  // remote). Inbound: opened by the peer on `stream` (TCP connecting).
  static Session outbound(std::uint64_t window);
  static Session inbound(std::uint64_t window, std::uint16_t stream, std::uint32_t connection);

  // ---- the remote and the association (outbound)
  // Discovery has no name for the remote: the first try starts the deadline,
  // later ones expire once it has passed.
  enum class Unresolved { asking, still_asking, expired };
  Unresolved handle_unresolved(Instant now, Duration timeout);
  // The remote is known; the association is not up yet.
  void handle_waiting() { phase_ = Phase::waiting; }
  // The association is up and gave this connection `stream`: OPEN (for
  // `service`) goes first.
  void handle_stream_started(std::uint16_t stream, std::uint32_t connection, const std::string& service);
  // The association ended or restarted with the stream on it: nothing more
  // can be said on it (the caller aborts the connection).
  void handle_stream_lost();

  // ---- TCP
  void handle_tcp_connected();
  // `n` bytes were read into read_buffer().
  void handle_tcp_read(std::size_t n);
  void handle_tcp_eof();
  // The front of pending_write() was written whole; true when a CREDIT is due.
  bool handle_tcp_written(std::size_t n);
  // Aborts: RST to the TCP program, RESET to the peer unless both ends were said.
  void abort(const std::string& error);
  // An OPEN this end turns down: never connected, RESET with the reason.
  void refuse(const std::string& why);

  // ---- messages from the peer
  DataResult handle_data(wire::Bytes data);
  // false: the peer claims more was consumed than was sent.
  [[nodiscard]] bool handle_credit(std::uint64_t consumed) { return send_credit_.on_credit(consumed); }
  EndResult handle_fin();
  // `error`: what the connection's error becomes ("reset by ...").
  EndResult handle_reset(const std::string& error);

  // ---- what to do next
  // The next message to send, if any; handle_sent() once SCTP took it.
  [[nodiscard]] std::optional<Outgoing> poll_message();
  void handle_sent(mux::Kind kind);
  // How many bytes to read from TCP now (0: none), and where to.
  [[nodiscard]] std::size_t read_room() const;
  [[nodiscard]] std::span<std::byte> read_buffer(std::size_t room);
  // The next bytes to write to TCP, or null; shuts the write side (an
  // action) once a FIN's data is all written.
  [[nodiscard]] const wire::Buffer* pending_write();
  [[nodiscard]] std::optional<TcpAction> poll_tcp();
  // The stream id to free, once: both ends sent and received.
  [[nodiscard]] std::optional<std::uint16_t> poll_release();
  // True once, when the connection has finished.
  [[nodiscard]] bool poll_finished();

  // ---- what it is
  [[nodiscard]] Phase phase() const { return phase_; }
  [[nodiscard]] Tcp tcp() const { return tcp_; }
  [[nodiscard]] Sending sending() const { return sending_; }
  [[nodiscard]] Receiving receiving() const { return receiving_; }
  [[nodiscard]] Reset reset() const { return reset_; }
  // The stream id it holds (or held).
  [[nodiscard]] std::optional<std::uint16_t> stream() const { return stream_; }
  [[nodiscard]] std::uint32_t connection() const { return connection_; }
  [[nodiscard]] bool end_sent() const { return sending_ == Sending::fin_sent || reset_ == Reset::sent; }
  [[nodiscard]] bool end_received() const { return receiving_ != Receiving::open; }
  [[nodiscard]] bool refused() const { return refused_; }
  [[nodiscard]] bool inbound() const { return inbound_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] std::uint64_t bytes_out() const { return bytes_out_; }
  [[nodiscard]] std::uint64_t bytes_in() const { return bytes_in_; }
  // What `stream list` shows: "open", "fin sent", "resetting", ...
  [[nodiscard]] std::string_view state() const;

 private:
  explicit Session(std::uint64_t window) : send_credit_(window), receive_credit_(window) {}
  void close_tcp_if_done();
  void close_tcp(TcpAction how);

  Phase phase_{Phase::resolving};
  Tcp tcp_{Tcp::connected};
  Sending sending_{Sending::open};
  Receiving receiving_{Receiving::open};
  Reset reset_{Reset::none};
  bool inbound_{false};
  bool refused_{false};         // refuse(): the gateway logs it itself
  bool finish_reported_{false};  // poll_finished() said so

  std::optional<std::uint16_t> stream_;
  std::uint32_t connection_{0};
  // Pending messages besides DATA and the ends.
  bool open_unsent_{false};
  wire::Buffer open_message_;
  std::optional<std::uint64_t> credit_unsent_;
  std::string reset_reason_;
  wire::Buffer encoded_;  // the last control message polled

  // TCP -> peer: one chunk at a time.
  wire::Buffer chunk_;
  std::size_t chunk_length_{0};  // read from TCP, not yet taken by SCTP
  mux::SendCredit send_credit_;
  // Peer -> TCP.
  std::deque<wire::Buffer> writes_;
  mux::ReceiveCredit receive_credit_;
  std::vector<TcpAction> tcp_actions_;

  Instant resolve_deadline_{kNever};
  std::uint64_t bytes_out_{0};
  std::uint64_t bytes_in_{0};
  std::string error_;
};

}  // namespace ilnp::stream
