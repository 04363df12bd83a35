// Remembers digests of recent packets for a short window, in a table of fixed
// size allocated on first use: no allocation per packet. Used to forward a
// unicast datagram at most once (loops of routers), to stop routers bouncing
// re-flooded discovery messages until the hop limit runs out, and to suppress
// the second copy of a datagram delivered twice (soft handoff, or two routers).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ilnp/core/time.hpp"
#include "ilnp/core/wire/bytes.hpp"

namespace ilnp::forwarding {

// A 64-bit digest of a byte string (not cryptographic): a collision costs one
// suppressed copy inside a window of at most a few seconds.
[[nodiscard]] std::uint64_t digest(std::uint64_t seed, wire::Bytes bytes);
// Digest of one source's message: source NID and the whole payload.
[[nodiscard]] inline std::uint64_t message_digest(std::uint64_t source_nid, wire::Bytes payload) {
  return digest(source_nid, payload);
}
// Bytes of payload a forwarded datagram's digest covers: enough for every
// sequence number, timestamp, nonce or checksum our transports put first.
inline constexpr std::size_t kForwardDigestPrefix = 64;
// Digest of a datagram as it travels: the whole header but its hop limit
// (copies on different paths differ only there), and the first
// kForwardDigestPrefix bytes of the payload (the header's payload length
// covers the rest's size). `datagram` must hold at least a whole header.
[[nodiscard]] std::uint64_t datagram_digest(wire::Bytes datagram);
// Digest of one source's transport payload as delivered: its length and
// first kForwardDigestPrefix bytes. Hashing all of a 1396-byte payload on
// every delivery cost ~5x the rest of the receive path, for nothing our
// transports do not put first.
[[nodiscard]] inline std::uint64_t delivery_digest(std::uint64_t source_nid, wire::Bytes payload) {
  auto prefix = payload.first(std::min(payload.size(), kForwardDigestPrefix));
  return digest(source_nid ^ (static_cast<std::uint64_t>(payload.size()) << 48), prefix);
}

class DuplicateFilter {
 public:
  // A copy is a duplicate within `window` of the first sighting when it has
  // fewer hops left than the first (it came a longer way round), and within
  // `same_length_window` whatever its hop limit (a copy along a path just as
  // short, or the sender repeating itself that soon). After that, a copy
  // with as many hops left or more is news: a datagram its sender repeats
  // byte for byte is not lost. `capacity` digests are remembered (rounded up
  // to a power of two); a full bucket forgets its oldest entry first.
  DuplicateFilter(Duration window, Duration same_length_window, std::size_t capacity);

  // True when `key`, arriving with `hop_limit` left, is not a duplicate.
  // With hop_limit always 0, every copy within the window is a duplicate.
  bool first_sighting(std::uint64_t key, Instant now, std::uint8_t hop_limit = 0);

 private:
  static constexpr std::size_t kWays = 4;
  struct Entry {
    std::uint64_t key{0};
    Instant until{Instant::min()};       // remembered while now < until
    Instant same_until{Instant::min()};  // any copy is a duplicate while now < same_until
    std::uint8_t hop_limit{0};           // of the copy that was news
  };
  Duration window_;
  Duration same_length_window_;
  std::size_t buckets_;
  std::vector<Entry> entries_;  // buckets_ x kWays, allocated on first use
};

}  // namespace ilnp::forwarding
