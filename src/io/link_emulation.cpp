// A constant delay keeps order, so one FIFO and one timer suffice.
#include "ilnp/io/link_emulation.hpp"

namespace ilnp::io {

LinkEmulation::LinkEmulation(boost::asio::io_context& io, LinkEmulationOptions options, Send send)
    : options_(options), send_(std::move(send)), timer_(io) {}

void LinkEmulation::submit(Locator locator, wire::Bytes datagram) {
  if (options_.loss > 0 && coin_(rng_) < options_.loss) {
    ++dropped_;
    return;
  }
  if (options_.delay.count() == 0) return send_(locator, datagram);
  if (in_flight_.size() >= kMaxInFlight) {
    ++dropped_;
    return;
  }
  in_flight_.push_back(Delayed{std::chrono::steady_clock::now() + options_.delay, locator,
                               wire::Buffer(datagram.begin(), datagram.end())});
  arm();
}

void LinkEmulation::arm() {
  if (armed_ || in_flight_.empty()) return;
  armed_ = true;
  timer_.expires_at(in_flight_.front().due);
  timer_.async_wait([this](boost::system::error_code ec) {
    armed_ = false;
    if (ec) return;
    auto now = std::chrono::steady_clock::now();
    while (!in_flight_.empty() && in_flight_.front().due <= now) {
      send_(in_flight_.front().locator, in_flight_.front().bytes);
      in_flight_.pop_front();
    }
    arm();
  });
}

}  // namespace ilnp::io
