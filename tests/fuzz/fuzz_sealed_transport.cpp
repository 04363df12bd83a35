// Fuzz target for wire::decode_sealed_transport (next header 47,
// proto/README.md section 9) and SealedChannels::open behind it.
// Properties: accepted exactly when 12 + 16 + 4 bytes or more (epoch, counter,
// tag and the sealed segment's ports); epoch and counter are the big-endian
// fields at the front; the ciphertext is a view of the rest of the input (not
// a copy); epoch || counter || ciphertext gives back the input. Opening any
// input as a datagram from alice to bob (fixed keys of proto/vectors/secure.vec,
// one receiver kept across inputs, so its replay windows and epochs see them
// all) either fails as decrypt_failed or replayed_datagram, or yields a
// plaintext 28 bytes shorter than the payload that is a transport segment.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "fuzz_check.hpp"
#include "ilnp/core/security/sealed_channels.hpp"
#include "ilnp/core/wire/constants.hpp"
#include "ilnp/core/wire/messages.hpp"
#include "ilnp/core/wire/secure_messages.hpp"

namespace {

namespace wire = ilnp::wire;
namespace security = ilnp::security;

security::Identity fixed_identity(std::uint8_t byte) {
  security::Seed seed{};
  seed.fill(static_cast<std::byte>(byte));
  return security::Identity::from_seed(seed);
}

struct Keys {
  security::Identity alice = fixed_identity(0x01), bob = fixed_identity(0x02);
  security::SealedChannels at_bob{bob, 1u << 30, 0};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Keys keys;
  wire::Bytes in(reinterpret_cast<const std::byte*>(data), size);
  auto decoded = wire::decode_sealed_transport(in);

  ILNP_FUZZ_CHECK(decoded.ok() == (size >= wire::kSealOverhead + wire::kTransportHeaderSize));
  if (!decoded) {
    ILNP_FUZZ_CHECK(decoded.error() == ilnp::DropReason::truncated_secure_message);
    return 0;
  }
  const auto& s = *decoded;
  std::uint64_t counter = 0;
  for (int i = 4; i < 12; ++i) counter = (counter << 8) | data[i];
  ILNP_FUZZ_CHECK(s.epoch == ((std::uint32_t{data[0]} << 24) | (std::uint32_t{data[1]} << 16) |
                              (std::uint32_t{data[2]} << 8) | data[3]));
  ILNP_FUZZ_CHECK(s.counter == counter);
  ILNP_FUZZ_CHECK(s.ciphertext.data() == in.data() + wire::kSealHeaderSize);
  ILNP_FUZZ_CHECK(s.ciphertext.size() == size - wire::kSealHeaderSize);
  wire::Buffer again;
  wire::ByteWriter w(again);
  w.u32(s.epoch);
  w.u64(s.counter);
  w.bytes(s.ciphertext);
  ILNP_FUZZ_CHECK(std::ranges::equal(again, in));

  auto opened = keys.at_bob.open(keys.alice.nid(), keys.alice.public_key(), s);
  if (opened) {
    ILNP_FUZZ_CHECK(opened->size() == size - wire::kSealOverhead);
    ILNP_FUZZ_CHECK(wire::decode_transport(*opened).ok());
  } else {
    ILNP_FUZZ_CHECK(opened.error() == ilnp::DropReason::decrypt_failed ||
                    opened.error() == ilnp::DropReason::replayed_datagram);
  }
  return 0;
}
