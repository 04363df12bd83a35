// A set-associative table of (digest, expiry): lookups and inserts touch one
// bucket of kWays entries, so the cost per packet is constant and the memory
// is fixed. Digests mix 8 bytes at a time: a forwarded datagram costs a
// dozen multiplications, not one per byte.
#include "ilnp/core/forwarding/duplicate_filter.hpp"

#include <algorithm>
#include <array>
#include <bit>

#include "ilnp/core/wire/header.hpp"

namespace ilnp::forwarding {

namespace {

// Up to 8 bytes as one little-endian word, the same on every host.
std::uint64_t word(const std::byte* p, std::size_t n) {
  std::uint64_t w = 0;
  for (std::size_t i = 0; i < n; ++i) w |= std::uint64_t{std::to_integer<std::uint8_t>(p[i])} << (8 * i);
  return w;
}

struct Hasher {
  std::uint64_t h;
  void add(std::uint64_t w) {
    h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
    h ^= h >> 29;
  }
  void add(wire::Bytes bytes) {
    std::size_t i = 0;
    for (; i + 8 <= bytes.size(); i += 8) add(word(bytes.data() + i, 8));
    if (i < bytes.size()) add(word(bytes.data() + i, bytes.size() - i));
  }
  [[nodiscard]] std::uint64_t finish() const {
    auto x = (h ^ (h >> 32)) * 0xd6e8feb86659fd93ULL;
    return x ^ (x >> 32);
  }
};

}  // namespace

std::uint64_t digest(std::uint64_t seed, wire::Bytes bytes) {
  Hasher hasher{0xcbf29ce484222325ULL ^ seed};
  hasher.add(bytes.size());
  hasher.add(bytes);
  return hasher.finish();
}

std::uint64_t datagram_digest(wire::Bytes datagram) {
  std::array<std::byte, wire::kHeaderSize> header;
  std::copy_n(datagram.begin(), wire::kHeaderSize, header.begin());
  header[wire::kHopLimitOffset] = std::byte{0};
  auto payload = datagram.subspan(wire::kHeaderSize);
  Hasher hasher{0x84222325cbf29ce4ULL};
  hasher.add(header);
  hasher.add(payload.first(std::min(payload.size(), kForwardDigestPrefix)));
  return hasher.finish();
}

DuplicateFilter::DuplicateFilter(Duration window, Duration same_length_window, std::size_t capacity)
    : window_(window),
      same_length_window_(std::min(same_length_window, window)),
      buckets_(std::bit_ceil(std::max<std::size_t>(1, (capacity + kWays - 1) / kWays))) {}

bool DuplicateFilter::first_sighting(std::uint64_t key, Instant now, std::uint8_t hop_limit) {
  if (entries_.empty()) entries_.resize(buckets_ * kWays);
  auto* bucket = entries_.data() + (key & (buckets_ - 1)) * kWays;
  auto* slot = bucket;
  for (auto* e = bucket; e != bucket + kWays; ++e) {
    if (e->key == key && now < e->until) {
      if (now < e->same_until || hop_limit < e->hop_limit) return false;
      slot = e;  // the sender again: remember this copy instead
      break;
    }
    if (e->until < slot->until) slot = e;
  }
  *slot = Entry{key, now + window_, now + same_length_window_, hop_limit};
  return true;
}

}  // namespace ilnp::forwarding
