// Emulated link conditions on the sending side (loss and delay), for
// experiments and tests on kernels without tc netem. Off unless configured.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <random>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "ilnp/core/types.hpp"
#include "ilnp/core/wire/bytes.hpp"

namespace ilnp::io {

struct LinkEmulationOptions {
  double loss{0.0};            // probability a datagram is dropped
  std::chrono::microseconds delay{0};  // added to every datagram
};

class LinkEmulation {
 public:
  static constexpr std::size_t kMaxInFlight = 65536;
  using Send = std::function<void(Locator, wire::Bytes)>;

  LinkEmulation(boost::asio::io_context& io, LinkEmulationOptions options, Send send);

  [[nodiscard]] bool active() const { return options_.loss > 0 || options_.delay.count() > 0; }
  // Drops, delays or passes the datagram on to `send`.
  void submit(Locator locator, wire::Bytes datagram);
  [[nodiscard]] std::uint64_t dropped() const { return dropped_; }

 private:
  struct Delayed {
    std::chrono::steady_clock::time_point due;
    Locator locator;
    wire::Buffer bytes;
  };
  void arm();

  LinkEmulationOptions options_;
  Send send_;
  boost::asio::steady_timer timer_;
  std::deque<Delayed> in_flight_;
  std::mt19937_64 rng_{std::random_device{}()};
  std::uniform_real_distribution<double> coin_{0.0, 1.0};
  std::uint64_t dropped_{0};
  bool armed_{false};
};

}  // namespace ilnp::io
