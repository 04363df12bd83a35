// A keyed hash of (bucket, address, port): nothing to store per sender, so a
// flood of spoofed registrations costs the hub one hash each and no memory.
#include "ilnp/core/hub/cookie.hpp"

#include <sodium.h>

#include "ilnp/core/wire/bytes.hpp"

namespace ilnp::hub {

CookieJar::CookieJar(const CookieSecret& secret, Duration period)
    : secret_(secret), period_(period.count() > 0 ? period : std::chrono::minutes(2)) {}

std::uint64_t CookieJar::bucket(Instant now) const {
  auto since = now.time_since_epoch();
  return since.count() <= 0 ? 0 : static_cast<std::uint64_t>(since / period_);
}

Cookie CookieJar::make_in(std::uint64_t b, const Endpoint& e) const {
  wire::Buffer input;
  wire::ByteWriter w(input);
  w.text(kCookieContext);
  w.u64(b);
  for (auto byte : e.address) w.u8(byte);
  w.u16(e.port);
  Cookie out{};
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                     reinterpret_cast<const unsigned char*>(secret_.data()), secret_.size());
  return out;
}

Cookie CookieJar::make(Instant now, const Endpoint& for_address) const { return make_in(bucket(now), for_address); }

bool CookieJar::valid(Instant now, const Endpoint& from, const Cookie& cookie) const {
  auto b = bucket(now);
  auto matches = [&](std::uint64_t in) {
    auto expected = make_in(in, from);
    return sodium_memcmp(expected.data(), cookie.data(), cookie.size()) == 0;
  };
  return matches(b) || (b > 0 && matches(b - 1));
}

}  // namespace ilnp::hub
