// A hub relays what its members send to the other members of the same
// locator; only the table decides who, and only addresses that proved they
// receive (the cookie) become members. Replies and notices are never larger
// than the frame that caused them, so the hub amplifies nothing.
#include "ilnp/io/hub_server.hpp"

#include <sodium.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>

#include "ilnp/io/clock.hpp"
#include "ilnp/io/hub_address.hpp"

namespace ilnp::io {

namespace {
std::uint64_t wall_us() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::system_clock::now().time_since_epoch()).count());
}
std::string member_text(Locator locator, Nid nid, const hub::Endpoint& at) {
  return "locator " + locator.to_string() + " member " + nid.to_string() + " at " + at.to_string();
}
hub::HubConfig with_random_secret(hub::HubConfig config) {
  randombytes_buf(config.cookie_secret.data(), config.cookie_secret.size());
  return config;
}
}  // namespace

HubServer::HubServer(boost::asio::io_context& io, HubServerOptions options, Log log)
    : options_(std::move(options)),
      table_(with_random_secret(options_.table)),
      log_(std::move(log)),
      watch_(io),
      sweep_timer_(io),
      stats_timer_(io) {
  fd_ = open_dual_stack_udp(resolve_udp(options_.listen, true));
  watch_.assign(fd_);
  rx_buffers_.assign(ReceiveBatch::kSize, std::vector<std::byte>(hub::kDataPrefixSize + options_.max_datagram + 1));
  tx_addresses_.reserve(kMaxQueuedRelays);  // the relay path never allocates
  tx_frames_.reserve(kMaxQueuedRelays);
  tx_messages_.reserve(kMaxQueuedRelays);
}

void HubServer::start() {
  wait_readable();
  on_sweep_due();
  if (options_.stats_interval.count() > 0) {
    stats_timer_.expires_after(options_.stats_interval);
    stats_timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) on_stats_due();
    });
  }
}

std::string HubServer::counters_text() const {
  const auto& c = table_.counters();
  std::string out = "members=" + std::to_string(table_.member_count()) + " registrations=" +
                    std::to_string(c.registrations) + " joins=" + std::to_string(c.joins) + " rebinds=" +
                    std::to_string(c.rebinds) + " leaves=" + std::to_string(c.leaves) + " expiries=" +
                    std::to_string(c.expiries) + " data_in=" + std::to_string(c.data_in) + " data_out=" +
                    std::to_string(c.data_out) + " unicast=" + std::to_string(c.unicast) + " fanout=" +
                    std::to_string(c.fanout) + " not_member=" + std::to_string(c.not_member) + " malformed_data=" +
                    std::to_string(c.malformed_data) + " malformed_registrations=" +
                    std::to_string(c.malformed_registrations) + " unverified=" + std::to_string(c.unverified) +
                    " challenges=" + std::to_string(c.challenges) + " unverified_replies_suppressed=" +
                    std::to_string(table_.unverified_replies_suppressed()) + " oversized=" +
                    std::to_string(oversized_) + " send_drops=" + std::to_string(send_drops_);
  for (std::uint8_t s = 0; s < hub::kReplyStatusCount; ++s)
    if (c.refusals[s]) out += " refused_" + std::string(hub::to_string(static_cast<hub::ReplyStatus>(s))) + "=" +
                              std::to_string(c.refusals[s]);
  return out;
}

void HubServer::on_stats_due() {
  log_(Level::info, "counters: " + counters_text());
  stats_timer_.expires_after(options_.stats_interval);
  stats_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) on_stats_due();
  });
}

std::string HubServer::local_text() const {
  sockaddr_in6 bound{};
  socklen_t size = sizeof bound;
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &size) != 0) return options_.listen;
  return to_endpoint(bound).to_string();
}

void HubServer::log_limited(RateLimitedLog& limit, Level level, const std::string& line) {
  if (limit.admit(io::now())) log_(level, line);
}

void HubServer::log_suppressed(RateLimitedLog& limit, Level level, const char* what) {
  if (auto n = limit.take_suppressed()) log_(level, std::to_string(n) + " more " + what + " lines suppressed");
}

void HubServer::on_sweep_due() {
  for (const auto& e : table_.expire(io::now()))
    log_limited(membership_lines_, Level::info,
                "expired " + member_text(e.locator, e.nid, e.endpoint) + " (no registration for " +
                    std::to_string(std::chrono::duration_cast<std::chrono::seconds>(table_.config().member_expiry).count()) +
                    " s)");
  log_suppressed(refusal_lines_, Level::warn, "refused-registration");
  log_suppressed(membership_lines_, Level::info, "membership");
  log_suppressed(malformed_lines_, Level::debug, "malformed-registration");
  sweep_timer_.expires_after(std::chrono::seconds(1));
  sweep_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) on_sweep_due();
  });
}

void HubServer::wait_readable() {
  watch_.async_wait(boost::asio::posix::descriptor_base::wait_read, [this](boost::system::error_code ec) {
    if (ec) return;
    drain_receive();
    wait_readable();
  });
}

void HubServer::drain_receive() {
  for (int round = 0; round < 8; ++round) {  // bounded work per wakeup: timers stay on time
    auto n = batch_.receive(fd_, rx_buffers_);
    if (n == 0) break;
    for (std::size_t i = 0; i < n; ++i) handle_frame(batch_.source(i), batch_.datagram(rx_buffers_, i));
    flush_relays();
    if (n < ReceiveBatch::kSize) break;
  }
}

void HubServer::handle_frame(const sockaddr_in6& from, wire::Bytes frame) {
  if (frame.size() > hub::kDataPrefixSize + options_.max_datagram) {
    ++oversized_;  // more than a member may send (and truncated by our buffer): never relayed
    return;
  }
  if (!frame.empty() && std::to_integer<std::uint8_t>(frame[0]) == static_cast<std::uint8_t>(hub::FrameType::registration))
    return handle_registration(from, frame);
  switch (table_.route(to_endpoint(from), frame, destinations_)) {
    case hub::DataVerdict::unicast:
    case hub::DataVerdict::fanout:
      return relay(frame);
    case hub::DataVerdict::not_member:
      // Probably a member whose NAT mapping changed: ask it to register again.
      if (!table_.allow_unverified_reply(io::now(), to_endpoint(from))) return;
      return reply(from, hub::encode_unknown_sender(*hub::data_link(frame)));
    case hub::DataVerdict::malformed:
      return;
  }
}

void HubServer::handle_registration(const sockaddr_in6& from, wire::Bytes frame) {
  auto at = to_endpoint(from);
  auto outcome = table_.handle_registration(io::now(), wall_us(), at, frame);
  if (!outcome.registration) {
    log_limited(malformed_lines_, Level::debug, "malformed registration from " + at.to_string());
    return;
  }
  // Unverified: counted, answered with a cookie (or nothing, over budget), never logged.
  if (!outcome.reply.empty()) reply(from, outcome.reply);
  if (outcome.unverified) return;
  const auto& r = *outcome.registration;
  auto who = member_text(r.locator, r.nid, at);
  if (outcome.status == hub::ReplyStatus::left) {
    log_limited(membership_lines_, Level::info, "left: " + who);
  } else if (outcome.status != hub::ReplyStatus::accepted) {
    log_limited(refusal_lines_, Level::warn,
                "refused registration: " + who + ": " + std::string(hub::to_string(outcome.status)) +
                    (r.key ? "" : " (unsigned)"));
  } else if (outcome.rebound_from) {
    log_limited(membership_lines_, Level::info, "rebound: " + who + " (was " + outcome.rebound_from->to_string() + ")");
  } else if (outcome.joined) {
    log_limited(membership_lines_, Level::info,
                "registered: " + who + (r.key ? " key " + security::to_hex(*r.key) : " (unsigned)"));
  }
}

void HubServer::relay(wire::Bytes frame) {
  for (const auto& to : destinations_) {
    if (tx_addresses_.size() == kMaxQueuedRelays) flush_relays();
    tx_addresses_.push_back(to_sockaddr(to));
    // A view of the receive buffer: flushed before the buffer is reused.
    tx_frames_.push_back(iovec{const_cast<std::byte*>(frame.data()), frame.size()});
  }
}

void HubServer::flush_relays() {
  tx_messages_.resize(tx_addresses_.size());
  for (std::size_t i = 0; i < tx_addresses_.size(); ++i) {
    tx_messages_[i] = mmsghdr{};
    tx_messages_[i].msg_hdr.msg_name = &tx_addresses_[i];
    tx_messages_[i].msg_hdr.msg_namelen = sizeof(sockaddr_in6);
    tx_messages_[i].msg_hdr.msg_iov = &tx_frames_[i];
    tx_messages_[i].msg_hdr.msg_iovlen = 1;
  }
  std::size_t done = 0;
  while (done < tx_messages_.size()) {
    int n = ::sendmmsg(fd_, tx_messages_.data() + done, static_cast<unsigned>(tx_messages_.size() - done), 0);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    ++send_drops_;  // a full socket or an unreachable member: a relay drops rather than queues
    ++done;
  }
  tx_addresses_.clear();
  tx_frames_.clear();
}

void HubServer::reply(const sockaddr_in6& to, wire::Bytes frame) {
  if (::sendto(fd_, frame.data(), frame.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) < 0)
    ++send_drops_;
}

}  // namespace ilnp::io
