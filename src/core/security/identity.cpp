// Ed25519 through libsodium; the NID derivation is the one in proto/README.md.
#include "ilnp/core/security/identity.hpp"

#include <sodium.h>

#include <stdexcept>

namespace ilnp::security {

namespace {
const unsigned char* u8(const std::byte* p) { return reinterpret_cast<const unsigned char*>(p); }
unsigned char* u8(std::byte* p) { return reinterpret_cast<unsigned char*>(p); }
constexpr char kNidKey[16] = {'i', 'l', 'n', 'p', '-', 'o', 'v', 'e', 'r', 'l', 'a', 'y', ' ', 'n', 'i', 'd'};

void ensure_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}
}  // namespace

Nid nid_of(const PublicKey& key) {
  std::array<unsigned char, 8> out{};
  crypto_generichash(out.data(), out.size(), u8(key.data()), key.size(), reinterpret_cast<const unsigned char*>(kNidKey),
                     sizeof kNidKey);
  std::uint64_t v = 0;
  for (auto b : out) v = (v << 8) | b;
  return Nid{v};
}

bool verify(const PublicKey& key, wire::Bytes message, const Signature& signature) {
  return crypto_sign_verify_detached(u8(signature.data()), u8(message.data()), message.size(), u8(key.data())) == 0;
}

Identity Identity::from_seed(const Seed& seed) {
  ensure_sodium();
  Identity id;
  id.seed_ = seed;
  crypto_sign_seed_keypair(u8(id.public_.data()), u8(id.secret_.data()), u8(seed.data()));
  id.nid_ = nid_of(id.public_);
  return id;
}

Signature Identity::sign(wire::Bytes message) const {
  Signature s{};
  crypto_sign_detached(u8(s.data()), nullptr, u8(message.data()), message.size(), u8(secret_.data()));
  return s;
}

std::string to_hex(wire::Bytes bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (auto b : bytes) {
    auto v = std::to_integer<unsigned>(b);
    out += digits[v >> 4];
    out += digits[v & 15];
  }
  return out;
}

template <std::size_t N>
std::optional<std::array<std::byte, N>> from_hex(std::string_view text) {
  if (text.size() != 2 * N) return std::nullopt;
  std::array<std::byte, N> out{};
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < N; ++i) {
    int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::byte>(hi * 16 + lo);
  }
  return out;
}

template std::optional<std::array<std::byte, 32>> from_hex<32>(std::string_view);
template std::optional<std::array<std::byte, 64>> from_hex<64>(std::string_view);

}  // namespace ilnp::security
