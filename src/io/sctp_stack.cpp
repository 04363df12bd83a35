// usrsctp calls back (output, upcalls) while it holds its own locks, so the
// callbacks only queue; the queues are drained from a posted handler, where
// calling into usrsctp again is safe. See proto/usrsctp.md.
#include "ilnp/io/sctp_stack.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include <boost/asio/post.hpp>

#include "ilnp/io/clock.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wshadow"
#include <usrsctp.h>
#pragma GCC diagnostic pop

namespace ilnp::io {

namespace {

SctpStack* g_stack = nullptr;
bool g_initialised = false;

constexpr auto kTimerPeriod = std::chrono::milliseconds(10);
// After the last socket closes, usrsctp may still have a timer or two to run.
constexpr Duration kTimersAfterLastSocket = std::chrono::seconds(5);
constexpr std::size_t kReceiveBuffer = 64 * 1024;
constexpr int kDeferredRounds = 64;
// spp_pathmtu counts SCTP chunks only: usrsctp adds the 12-byte common
// header for AF_CONN (sctp_usrreq.c), so a packet is at most pathmtu + 12.
constexpr std::uint32_t kCommonHeader = 12;
constexpr std::uint16_t kUserInitiatedAbort = 12;  // RFC 4960 section 3.3.10.12

// RTO bounds for an overlay on a LAN: RFC 4960's 1 s minimum and 60 s maximum
// would leave a stream silent for many seconds after a loss at a move. The
// minimum stays above the 200 ms delayed-SACK time so a lone packet's late
// SACK is not mistaken for a loss.
constexpr std::uint32_t kRtoInitialMs = 1000;
constexpr std::uint32_t kRtoMinMs = 300;
constexpr std::uint32_t kRtoMaxMs = 4000;
constexpr std::uint16_t kInitAttempts = 4;
constexpr std::uint16_t kInitMaxTimeoutMs = 3000;

[[noreturn]] void fail(const char* what) { throw std::system_error(errno, std::generic_category(), what); }

template <class T>
void set_option(struct socket* s, int level, int name, const T& value, const char* what) {
  if (usrsctp_setsockopt(s, level, name, &value, static_cast<socklen_t>(sizeof value)) < 0) fail(what);
}

sockaddr_conn conn_address(void* token, std::uint16_t port) {
  sockaddr_conn a{};
  a.sconn_family = AF_CONN;
  a.sconn_port = htons(port);
  a.sconn_addr = token;
  return a;
}

std::string state_name(std::int32_t state) {
  switch (state) {
    case SCTP_CLOSED:
      return "closed";
    case SCTP_BOUND:
      return "bound";
    case SCTP_LISTEN:
      return "listen";
    case SCTP_COOKIE_WAIT:
      return "cookie-wait";
    case SCTP_COOKIE_ECHOED:
      return "cookie-echoed";
    case SCTP_ESTABLISHED:
      return "established";
    case SCTP_SHUTDOWN_SENT:
      return "shutdown-sent";
    case SCTP_SHUTDOWN_RECEIVED:
      return "shutdown-received";
    case SCTP_SHUTDOWN_ACK_SENT:
      return "shutdown-ack-sent";
    case SCTP_SHUTDOWN_PENDING:
      return "shutdown-pending";
    default:
      return "state-" + std::to_string(state);
  }
}

}  // namespace

std::string_view to_string(SctpEventKind kind) {
  switch (kind) {
    case SctpEventKind::up:
      return "up";
    case SctpEventKind::restarted:
      return "restarted";
    case SctpEventKind::lost:
      return "lost";
    case SctpEventKind::shut_down:
      return "shut down";
    case SctpEventKind::cannot_start:
      return "cannot start";
    case SctpEventKind::remote_error:
      return "remote error";
  }
  return "?";
}

SctpStack::SctpStack(boost::asio::io_context& io, Output output, Ready ready)
    : io_(io), output_(std::move(output)), ready_(std::move(ready)), timer_(io) {
  if (g_stack) throw std::runtime_error("usrsctp is already in use in this process");
  if (!g_initialised) {
    // Port 0: no UDP socket of its own; packets go through on_output only.
    usrsctp_init_nothreads(0, &SctpStack::on_output, nullptr);
    g_initialised = true;
  }
  g_stack = this;
}

SctpStack::~SctpStack() {
  flush();
  g_stack = nullptr;
  for (auto& [key, token] : tokens_) usrsctp_deregister_address(token.get());
  // Fails while an association lives (the owner aborts them first); the
  // process keeps usrsctp initialised then, which is harmless at exit.
  if (usrsctp_finish() == 0) g_initialised = false;
}

SctpStack::Token* SctpStack::token(std::uint64_t key) {
  auto& t = tokens_[key];
  if (!t) {
    t = std::make_unique<Token>(Token{this, key});
    usrsctp_register_address(t.get());
  }
  return t.get();
}

int SctpStack::on_output(void* address, void* buffer, std::size_t length, std::uint8_t, std::uint8_t) {
  auto* token = static_cast<Token*>(address);
  if (g_stack && token && token->stack == g_stack) g_stack->queue_output(token->key, buffer, length);
  return 0;
}

void SctpStack::on_upcall(struct socket*, void* arg, int) {
  auto* token = static_cast<Token*>(arg);
  if (g_stack && token && token->stack == g_stack) g_stack->queue_ready(token->key);
}

void SctpStack::queue_output(std::uint64_t key, const void* buffer, std::size_t length) {
  const auto* p = static_cast<const std::byte*>(buffer);
  std::lock_guard lock(mutex_);
  outputs_.push_back(SctpPacket{key, wire::Buffer(p, p + length)});
  schedule();
}

void SctpStack::queue_ready(std::uint64_t key) {
  std::lock_guard lock(mutex_);
  ready_keys_.insert(key);
  schedule();
}

void SctpStack::schedule() {
  if (std::exchange(scheduled_, true)) return;
  boost::asio::post(io_, [this] { run_deferred(); });
}

void SctpStack::run_deferred() {
  for (int round = 0; round < kDeferredRounds; ++round) {
    std::vector<SctpPacket> outputs;
    std::set<std::uint64_t> ready;
    {
      std::lock_guard lock(mutex_);
      outputs.swap(outputs_);
      ready.swap(ready_keys_);
      if (outputs.empty() && ready.empty()) {
        scheduled_ = false;
        return;
      }
    }
    // Packets first (acknowledgements go out at once), then readiness, whose
    // sends queue more packets for the next round.
    if (!outputs.empty()) output_(outputs);
    for (auto key : ready) ready_(key);
  }
  // Work keeps arriving: let the rest of the loop (sockets, timers) run first.
  boost::asio::post(io_, [this] { run_deferred(); });
}

void SctpStack::flush() {
  {
    std::lock_guard lock(mutex_);
    scheduled_ = true;  // run_deferred below clears it when the queues are empty
  }
  run_deferred();
}

void SctpStack::input(std::uint64_t key, wire::Bytes packet) {
  usrsctp_conninput(token(key), packet.data(), packet.size(), 0);
}

void SctpStack::forget(std::uint64_t key) {
  auto it = tokens_.find(key);
  if (it == tokens_.end()) return;
  usrsctp_deregister_address(it->second.get());
  tokens_.erase(it);
}

void SctpStack::socket_opened() {
  ++sockets_;
  if (std::exchange(ticking_, true)) return;
  last_tick_ = now();
  timer_.expires_after(kTimerPeriod);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) tick();
  });
}

void SctpStack::socket_closed() {
  --sockets_;
  idle_until_ = now() + kTimersAfterLastSocket;
}

void SctpStack::tick() {
  auto t = now();
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(t - last_tick_);
  last_tick_ += elapsed;  // the sub-millisecond rest counts towards the next tick
  if (elapsed.count() > 0) usrsctp_handle_timers(static_cast<std::uint32_t>(elapsed.count()));
  if (sockets_ == 0 && t >= idle_until_) {
    ticking_ = false;
    return;
  }
  timer_.expires_after(kTimerPeriod);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) tick();
  });
}

SctpCounters SctpStack::counters() {
  sctpstat s{};
  usrsctp_get_stat(&s);
  return SctpCounters{
      .packets_out = s.sctps_sendpackets,
      .packets_in = s.sctps_recvpackets,
      .retransmitted_chunks = s.sctps_sendretransdata,
      .fast_retransmits = s.sctps_sendfastretrans,
      .data_timeouts = s.sctps_timodata,
      .marked_retransmits = s.sctps_markedretrans,
      .window_probes = s.sctps_windowprobed,
      .bad_checksums = s.sctps_badsum,
  };
}

SctpAssociation::SctpAssociation(SctpStack& stack, std::uint64_t key, const SctpAssociationOptions& options)
    : stack_(stack), key_(key), options_(options), buffer_(kReceiveBuffer) {
  socket_ = usrsctp_socket(AF_CONN, SOCK_STREAM, IPPROTO_SCTP, nullptr, nullptr, 0, nullptr);
  if (!socket_) fail("usrsctp_socket");
  stack_.socket_opened();
  try {
    auto* token = stack_.token(key);
    if (usrsctp_set_upcall(socket_, &SctpStack::on_upcall, token) < 0) fail("usrsctp_set_upcall");
    if (usrsctp_set_non_blocking(socket_, 1) < 0) fail("usrsctp_set_non_blocking");
    // Closing aborts: the peer learns at once, and nothing lingers that
    // would keep the next socket for this peer from binding.
    set_option(socket_, SOL_SOCKET, SO_LINGER, linger{1, 0}, "SO_LINGER");
    auto buffer = static_cast<int>(options_.buffer_bytes);
    set_option(socket_, SOL_SOCKET, SO_SNDBUF, buffer, "SO_SNDBUF");
    set_option(socket_, SOL_SOCKET, SO_RCVBUF, buffer, "SO_RCVBUF");
    set_option(socket_, IPPROTO_SCTP, SCTP_NODELAY, 1, "SCTP_NODELAY");  // interactive streams (ssh)
    set_option(socket_, IPPROTO_SCTP, SCTP_RECVRCVINFO, 1, "SCTP_RECVRCVINFO");
    for (int type : {SCTP_ASSOC_CHANGE, SCTP_REMOTE_ERROR, SCTP_SHUTDOWN_EVENT}) {
      sctp_event event{};
      event.se_assoc_id = SCTP_ALL_ASSOC;
      event.se_type = static_cast<std::uint16_t>(type);
      event.se_on = 1;
      set_option(socket_, IPPROTO_SCTP, SCTP_EVENT, event, "SCTP_EVENT");
    }
    sctp_initmsg init{};
    init.sinit_num_ostreams = options_.streams;
    init.sinit_max_instreams = options_.streams;
    init.sinit_max_attempts = kInitAttempts;
    init.sinit_max_init_timeo = kInitMaxTimeoutMs;
    set_option(socket_, IPPROTO_SCTP, SCTP_INITMSG, init, "SCTP_INITMSG");
    sctp_rtoinfo rto{};
    rto.srto_initial = kRtoInitialMs;
    rto.srto_min = kRtoMinMs;
    rto.srto_max = kRtoMaxMs;
    set_option(socket_, IPPROTO_SCTP, SCTP_RTOINFO, rto, "SCTP_RTOINFO");
    // The default for the association to come, and again on it below.
    sctp_paddrparams defaults{};
    defaults.spp_flags = SPP_PMTUD_DISABLE;
    defaults.spp_pathmtu = options_.mtu - kCommonHeader;
    set_option(socket_, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, defaults, "SCTP_PEER_ADDR_PARAMS");
    auto address = conn_address(token, options_.port);
    if (usrsctp_bind(socket_, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) fail("usrsctp_bind");
    if (usrsctp_connect(socket_, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0 && errno != EINPROGRESS)
      fail("usrsctp_connect");
    set_path_mtu();
  } catch (...) {
    usrsctp_close(socket_);
    stack_.socket_closed();
    throw;
  }
}

SctpAssociation::~SctpAssociation() {
  usrsctp_set_upcall(socket_, nullptr, nullptr);
  usrsctp_close(socket_);
  stack_.socket_closed();
}

void SctpAssociation::set_path_mtu() {
  sctp_paddrparams p{};
  auto address = conn_address(stack_.token(key_), options_.port);
  std::memcpy(&p.spp_address, &address, sizeof address);
  p.spp_flags = SPP_PMTUD_DISABLE;
  p.spp_pathmtu = options_.mtu - kCommonHeader;
  set_option(socket_, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, p, "SCTP_PEER_ADDR_PARAMS (path MTU)");
}

void SctpAssociation::demand_heartbeat() {
  sctp_paddrparams p{};
  auto address = conn_address(stack_.token(key_), options_.port);
  std::memcpy(&p.spp_address, &address, sizeof address);
  p.spp_flags = SPP_HB_DEMAND;
  // Best effort: fails only when the association is not (or no longer) there.
  (void)usrsctp_setsockopt(socket_, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &p, sizeof p);
}

SctpSend SctpAssociation::send(std::uint16_t stream, std::uint32_t ppid, wire::Bytes data, int& error) {
  sctp_sndinfo info{};
  info.snd_sid = stream;
  info.snd_ppid = htonl(ppid);
  auto n = usrsctp_sendv(socket_, data.data(), data.size(), nullptr, 0, &info, sizeof info, SCTP_SENDV_SNDINFO, 0);
  if (n >= 0) return SctpSend::sent;  // whole messages only: never a part
  error = errno;
  if (error == EWOULDBLOCK || error == EAGAIN) return SctpSend::would_block;
  return SctpSend::failed;
}

std::optional<SctpReceived> SctpAssociation::receive() {
  for (;;) {
    sockaddr_conn from{};
    socklen_t from_length = sizeof from;
    sctp_rcvinfo info{};
    socklen_t info_length = sizeof info;
    unsigned int info_type = 0;
    int flags = 0;
    auto n = usrsctp_recvv(socket_, buffer_.data(), buffer_.size(), reinterpret_cast<sockaddr*>(&from), &from_length,
                           &info, &info_length, &info_type, &flags);
    if (n < 0 && (errno == EWOULDBLOCK || errno == EAGAIN)) return std::nullopt;
    if (n <= 0) {
      // 0: the peer shut the association down; < 0: it is gone (ECONNRESET...).
      if (std::exchange(eof_reported_, true)) return std::nullopt;
      return SctpEvent{n == 0 ? SctpEventKind::shut_down : SctpEventKind::lost, 0,
                       n == 0 ? "the peer shut the association down" : std::strerror(errno)};
    }
    auto length = static_cast<std::size_t>(n);
    if (!(flags & MSG_NOTIFICATION)) {
      if (info_type != SCTP_RECVV_RCVINFO) continue;  // cannot tell the stream: cannot happen with RECVRCVINFO
      return SctpMessage{info.rcv_sid, ntohl(info.rcv_ppid), wire::Bytes(buffer_.data(), length),
                         (flags & MSG_EOR) != 0};
    }
    sctp_notification note{};
    std::memcpy(&note, buffer_.data(), std::min(length, sizeof note));
    if (note.sn_header.sn_type == SCTP_ASSOC_CHANGE) {
      const auto& change = note.sn_assoc_change;
      auto streams = std::min(change.sac_outbound_streams, change.sac_inbound_streams);
      switch (change.sac_state) {
        case SCTP_COMM_UP:
          set_path_mtu();  // now that the association surely exists
          return SctpEvent{SctpEventKind::up, streams, ""};
        case SCTP_RESTART:
          set_path_mtu();
          return SctpEvent{SctpEventKind::restarted, streams, "the peer restarted the association"};
        case SCTP_COMM_LOST:
          // sac_error is the cause code of the peer's ABORT, if it sent one.
          if (change.sac_error == kUserInitiatedAbort)
            return SctpEvent{SctpEventKind::lost, 0, "the peer closed it (ABORT, user-initiated)"};
          return SctpEvent{SctpEventKind::lost, 0,
                           change.sac_error == 0
                               ? std::string("no answer, or an ABORT from a peer that has no such association")
                               : "ABORT with cause " + std::to_string(change.sac_error)};
        case SCTP_SHUTDOWN_COMP:
          return SctpEvent{SctpEventKind::shut_down, 0, "shutdown complete"};
        case SCTP_CANT_STR_ASSOC:
          return SctpEvent{SctpEventKind::cannot_start, 0, "no answer to INIT"};
        default:
          continue;
      }
    }
    if (note.sn_header.sn_type == SCTP_SHUTDOWN_EVENT)
      return SctpEvent{SctpEventKind::shut_down, 0, "the peer is shutting the association down"};
    if (note.sn_header.sn_type == SCTP_REMOTE_ERROR)
      return SctpEvent{SctpEventKind::remote_error, 0,
                       "the peer reported error cause " + std::to_string(ntohs(note.sn_remote_error.sre_error))};
  }
}

SctpStatus SctpAssociation::status() const {
  sctp_status s{};
  auto length = static_cast<socklen_t>(sizeof s);
  if (usrsctp_getsockopt(socket_, IPPROTO_SCTP, SCTP_STATUS, &s, &length) < 0) return SctpStatus{.state = "gone"};
  return SctpStatus{
      .state = state_name(s.sstat_state),
      .cwnd = s.sstat_primary.spinfo_cwnd,
      .srtt_ms = s.sstat_primary.spinfo_srtt,
      .rto_ms = s.sstat_primary.spinfo_rto,
      .mtu = s.sstat_primary.spinfo_mtu,
      .peer_rwnd = s.sstat_rwnd,
      .unacked_chunks = s.sstat_unackdata,
      .pending_chunks = s.sstat_penddata,
  };
}

}  // namespace ilnp::io
