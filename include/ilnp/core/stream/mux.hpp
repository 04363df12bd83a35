// What the stream gateway sends inside one SCTP stream: one TCP connection's
// open, data, credit, fin and reset messages (told apart by the SCTP payload
// protocol identifier), their codecs, the per-stream credit windows and the
// allocation of stream ids. Pure logic: no usrsctp, sockets or clocks.
//
// On the wire (all integers big-endian; PPIDs in the DATA chunk header):
//   OPEN   0x494c5301  connection id (4) | service name (1-64 bytes, [A-Za-z0-9._-])
//   DATA   0x494c5302  bytes of the TCP stream (1 or more)
//   CREDIT 0x494c5303  connection id (4) | consumed (8): DATA bytes of this
//                      connection written to the local TCP peer so far
//   FIN    0x494c5304  connection id (4): no more DATA in this direction
//   RESET  0x494c5305  connection id (4) | reason (0-200 bytes UTF-8): abort
// A stream is opened by OPEN (always its first message), carries DATA while
// the receiver's credit allows (the sender may have at most `window` bytes
// beyond the last CREDIT's consumed count outstanding; a fresh stream starts
// with a full window), and each direction ends with FIN or RESET (a RESET may
// follow a FIN to abort a half-closed stream). The id is free again once a
// side has both sent and received an end; control messages name their
// connection so a late CREDIT or RESET is never applied to the next one.
// Stream ids are split by parity so that both ends can open streams without
// colliding: the end with the smaller NID opens even ids, the other odd ids.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>

#include "ilnp/core/wire/bytes.hpp"

namespace ilnp::stream::mux {

enum class Kind : std::uint32_t {
  open = 0x494c5301,
  data = 0x494c5302,
  credit = 0x494c5303,
  fin = 0x494c5304,
  reset = 0x494c5305,
};

inline constexpr std::size_t kMaxServiceName = 64;
inline constexpr std::size_t kMaxReason = 200;
// The largest message that is not DATA: receivers refuse longer ones.
inline constexpr std::size_t kMaxControlMessage = 4 + 8 + kMaxReason;

struct Open {
  std::uint32_t connection{0};
  std::string service;
};
struct Credit {
  std::uint32_t connection{0};
  std::uint64_t consumed{0};
};
struct Fin {
  std::uint32_t connection{0};
};
struct Reset {
  std::uint32_t connection{0};
  std::string reason;
};
using Control = std::variant<Open, Credit, Fin, Reset>;

[[nodiscard]] std::optional<Kind> kind_of(std::uint32_t ppid);
[[nodiscard]] Kind kind_of(const Control& message);
[[nodiscard]] std::string_view to_string(Kind kind);
// 1-64 characters of [A-Za-z0-9._-].
[[nodiscard]] bool valid_service_name(std::string_view name);

// The payload of a control message (the reason of a RESET is cut to kMaxReason).
[[nodiscard]] wire::Buffer encode(const Control& message);
// A control message, or why the bytes are not one (DATA is not decoded here).
[[nodiscard]] std::variant<Control, std::string> decode(Kind kind, wire::Bytes payload);

// How much DATA this end may still send on a stream.
class SendCredit {
 public:
  explicit SendCredit(std::uint64_t window) : window_(window) {}
  [[nodiscard]] std::uint64_t available() const { return consumed_ + window_ - sent_; }
  [[nodiscard]] std::uint64_t sent() const { return sent_; }
  // `n` must not exceed available().
  void on_sent(std::uint64_t n) { sent_ += n; }
  // A CREDIT: false when it claims more than was sent (a broken peer).
  [[nodiscard]] bool on_credit(std::uint64_t consumed);

 private:
  std::uint64_t window_;
  std::uint64_t sent_{0};
  std::uint64_t consumed_{0};
};

// What the peer may send on a stream, and when to tell it that it may send more.
class ReceiveCredit {
 public:
  explicit ReceiveCredit(std::uint64_t window) : window_(window) {}
  // DATA arrived: false when it goes beyond the window granted (a broken peer).
  [[nodiscard]] bool on_data(std::uint64_t n);
  // Bytes written to the local TCP peer.
  void on_consumed(std::uint64_t n) { consumed_ += n; }
  // The consumed count to send in a CREDIT, once a quarter window has been
  // consumed since the last one; nothing otherwise.
  [[nodiscard]] std::optional<std::uint64_t> credit_due();
  [[nodiscard]] std::uint64_t buffered() const { return received_ - consumed_; }
  [[nodiscard]] std::uint64_t received() const { return received_; }

 private:
  std::uint64_t window_;
  std::uint64_t received_{0};
  std::uint64_t consumed_{0};
  std::uint64_t granted_{0};  // consumed count last advertised
};

// Stream ids of one association: this end opens ids of its parity below the
// negotiated stream count; the peer opens the others.
class StreamIds {
 public:
  StreamIds() = default;
  StreamIds(bool odd, std::uint16_t limit) : odd_(odd), limit_(limit) {}
  [[nodiscard]] std::optional<std::uint16_t> allocate();
  // Marks an id the peer opened as used: false if it is not the peer's to open,
  // beyond the limit, or already in use.
  [[nodiscard]] bool accept_peer(std::uint16_t id);
  void release(std::uint16_t id) { used_.erase(id); }
  [[nodiscard]] bool in_use(std::uint16_t id) const { return used_.contains(id); }
  [[nodiscard]] std::size_t used() const { return used_.size(); }
  [[nodiscard]] std::uint16_t limit() const { return limit_; }

 private:
  bool odd_{false};
  std::uint16_t limit_{0};
  std::uint16_t next_{0};
  std::set<std::uint16_t> used_;
};

}  // namespace ilnp::stream::mux
