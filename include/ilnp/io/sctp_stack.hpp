// usrsctp in AF_CONN mode on the event loop, the only code that includes
// usrsctp.h: the process-wide stack (initialised once with
// usrsctp_init_nothreads, its timers driven by an Asio timer, its output
// callback) and one SCTP association per peer key. Packets in and out are
// bare SCTP packets (common header + chunks, CRC32c included), i.e. exactly
// RFC 6951 UDP payloads. Knows nothing of the overlay, of NIDs or of TCP.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "ilnp/core/time.hpp"
#include "ilnp/core/wire/bytes.hpp"

struct socket;  // usrsctp's

namespace ilnp::io {

// usrsctp's global counters (usrsctp_get_stat), for reports.
struct SctpCounters {
  std::uint64_t packets_out{0};
  std::uint64_t packets_in{0};
  std::uint64_t retransmitted_chunks{0};  // DATA chunks sent again (after T3 or fast retransmit)
  std::uint64_t fast_retransmits{0};      // packets that began with a fast retransmission
  std::uint64_t data_timeouts{0};       // T3-rtx expiries
  std::uint64_t marked_retransmits{0};  // chunks a T3 expiry marked for retransmission
  std::uint64_t window_probes{0};
  std::uint64_t bad_checksums{0};
};

// A packet usrsctp sends to the peer `key`.
struct SctpPacket {
  std::uint64_t key{0};
  wire::Buffer bytes;
};

class SctpStack {
 public:
  // `output`: packets for peers, in order. `ready`: something happened on the
  // peer's association (readable, writable, error). Both are called on the
  // event loop, never from inside usrsctp, so they may call back into it.
  using Output = std::function<void(const std::vector<SctpPacket>& packets)>;
  using Ready = std::function<void(std::uint64_t key)>;

  // One per process (usrsctp has global state); throws std::runtime_error for a second.
  SctpStack(boost::asio::io_context& io, Output output, Ready ready);
  ~SctpStack();
  SctpStack(const SctpStack&) = delete;
  SctpStack& operator=(const SctpStack&) = delete;

  // A packet the peer `key` sent (an RFC 6951 UDP payload).
  void input(std::uint64_t key, wire::Bytes packet);
  // Forgets a peer key that has no association (its address is deregistered).
  void forget(std::uint64_t key);
  // Hands queued output packets and readiness to the callbacks now (used at
  // shutdown, when the event loop no longer runs).
  void flush();
  [[nodiscard]] static SctpCounters counters();

 private:
  friend class SctpAssociation;
  struct Token {
    SctpStack* stack;
    std::uint64_t key;
  };
  static int on_output(void* address, void* buffer, std::size_t length, std::uint8_t tos, std::uint8_t set_df);
  static void on_upcall(struct socket* socket, void* arg, int flags);
  Token* token(std::uint64_t key);
  void queue_output(std::uint64_t key, const void* buffer, std::size_t length);
  void queue_ready(std::uint64_t key);
  void schedule();
  void run_deferred();
  void socket_opened();
  void socket_closed();
  void tick();

  boost::asio::io_context& io_;
  Output output_;
  Ready ready_;
  // Addresses handed to usrsctp as sconn_addr, one per peer key.
  std::map<std::uint64_t, std::unique_ptr<Token>> tokens_;
  // usrsctp may call back from its iterator thread: the queues are locked.
  std::mutex mutex_;
  std::vector<SctpPacket> outputs_;
  std::set<std::uint64_t> ready_keys_;
  bool scheduled_{false};
  boost::asio::steady_timer timer_;
  bool ticking_{false};
  std::size_t sockets_{0};
  Instant last_tick_{};
  Instant idle_until_{};  // keep driving timers a while after the last socket closes
};

// Options of one association; both ends use the same SCTP port.
struct SctpAssociationOptions {
  std::uint16_t port{9899};
  std::uint32_t mtu{1396};              // largest SCTP packet, common header included
  std::uint32_t buffer_bytes{1 << 20};  // socket send and receive buffers
  std::uint16_t streams{1024};          // outbound and inbound streams asked for
};

enum class SctpEventKind { up, restarted, lost, shut_down, cannot_start, remote_error };
[[nodiscard]] std::string_view to_string(SctpEventKind kind);

struct SctpEvent {
  SctpEventKind kind;
  std::uint16_t streams{0};  // up, restarted: usable stream ids (min of in and out)
  std::string detail;
};
// A piece of a message on a stream; `end` marks its last piece. `data` is
// valid until the next receive().
struct SctpMessage {
  std::uint16_t stream{0};
  std::uint32_t ppid{0};
  wire::Bytes data;
  bool end{false};
};
using SctpReceived = std::variant<SctpMessage, SctpEvent>;

enum class SctpSend { sent, would_block, failed };

// The association's primary path as SCTP_STATUS reports it.
struct SctpStatus {
  std::string state;
  std::uint32_t cwnd{0};
  std::uint32_t srtt_ms{0};
  std::uint32_t rto_ms{0};
  std::uint32_t mtu{0};
  std::uint32_t peer_rwnd{0};
  std::uint16_t unacked_chunks{0};
  std::uint16_t pending_chunks{0};
};

// One one-to-one SCTP socket, bound and connected to the peer `key` (both
// ends connect; SCTP resolves the collision into one association, as WebRTC
// does). Non-blocking; closing it aborts the association (ABORT chunk).
class SctpAssociation {
 public:
  // Throws std::system_error naming the step that failed.
  SctpAssociation(SctpStack& stack, std::uint64_t key, const SctpAssociationOptions& options);
  ~SctpAssociation();
  SctpAssociation(const SctpAssociation&) = delete;
  SctpAssociation& operator=(const SctpAssociation&) = delete;

  // One whole message on `stream` (ordered). `error` gets errno on failure.
  [[nodiscard]] SctpSend send(std::uint16_t stream, std::uint32_t ppid, wire::Bytes data, int& error);
  // The next message piece or event; nothing when there is nothing more now.
  [[nodiscard]] std::optional<SctpReceived> receive();
  // Asks for a heartbeat now (SPP_HB_DEMAND): after a move, it confirms the
  // path at once instead of at the next heartbeat interval.
  void demand_heartbeat();
  [[nodiscard]] SctpStatus status() const;

 private:
  void set_path_mtu();

  SctpStack& stack_;
  std::uint64_t key_;
  SctpAssociationOptions options_;
  struct socket* socket_{nullptr};
  std::vector<std::byte> buffer_;
  bool eof_reported_{false};
};

}  // namespace ilnp::io
