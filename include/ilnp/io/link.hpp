// What the node driver asks of a link layer. A Link carries some of the
// node's locators: a relay hub those configured with it, the multicast LAN
// every other one. The driver sends each action to the first link that
// serves its locator, so it has no case per kind of link; a new kind (a TUN,
// a direct path, an interface-bound LAN) is one more implementation.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "ilnp/core/types.hpp"
#include "ilnp/core/wire/bytes.hpp"

namespace ilnp::io {

struct LinkStats {
  std::uint64_t received{0};
  std::uint64_t sent{0};
  std::uint64_t own_echoes{0};
  std::uint64_t foreign_group{0};  // from a group or peer that is not ours
  std::uint64_t send_errors{0};
  std::uint64_t send_queue_drops{0};
  std::uint64_t emulated_drops{0};
  std::uint64_t join_retries{0};  // attempts to join groups the interface could not take yet
};

class Link {
 public:
  using Receiver = std::function<void(Locator arrival, wire::Bytes datagram)>;
  using BatchDone = std::function<void()>;

  virtual ~Link() = default;

  // `on_datagram` gets views of the receive buffers, which stay valid until
  // `on_batch_done` returns: a datagram forwarded by then needs no copy.
  virtual void start(Receiver on_datagram, BatchDone on_batch_done) = 0;
  [[nodiscard]] virtual bool serves(Locator locator) const = 0;
  // Returns whether the locator is joined now; if not, the link keeps trying
  // and reports its state itself.
  virtual bool join(Locator locator) = 0;
  virtual void leave(Locator locator) = 0;
  // Queues or sends a copy of `datagram` (at most the configured buffer size).
  virtual void send(Locator locator, wire::Bytes datagram) = 0;
  // `datagram` (a whole overlay datagram) with its hop limit byte replaced,
  // without copying it: its bytes stay valid until flush().
  virtual void forward(Locator locator, wire::Bytes datagram, std::uint8_t hop_limit) = 0;
  // Sends what send() and forward() queued; a link that sends at once has nothing to do.
  virtual void flush() {}
  // Datagrams the socket did not take yet are queued.
  [[nodiscard]] virtual bool backlogged() const = 0;
  // Calls `ready` once the queue is empty (at once if it is).
  virtual void when_writable(std::function<void()> ready) = 0;
  // Where the locator's datagrams go, for logs: "group ff12:0:0:0:0:0:0:a%eth0",
  // "locator 0:0:0:a through hub 127.0.0.1:10010".
  [[nodiscard]] virtual std::string describe(Locator locator) const = 0;
  [[nodiscard]] virtual LinkStats stats() const = 0;
};

}  // namespace ilnp::io
