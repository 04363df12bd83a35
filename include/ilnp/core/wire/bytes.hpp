// Bounds-checked big-endian reading and writing over byte spans.
// Every read of network bytes goes through ByteReader; nothing casts structs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace ilnp::wire {

using Bytes = std::span<const std::byte>;
using Buffer = std::vector<std::byte>;

class ByteReader {
 public:
  explicit ByteReader(Bytes data) : data_(data) {}

  [[nodiscard]] std::size_t remaining() const { return data_.size() - pos_; }
  [[nodiscard]] std::optional<std::uint8_t> u8() { return read_be<std::uint8_t>(); }
  [[nodiscard]] std::optional<std::uint16_t> u16() { return read_be<std::uint16_t>(); }
  [[nodiscard]] std::optional<std::uint32_t> u32() { return read_be<std::uint32_t>(); }
  [[nodiscard]] std::optional<std::uint64_t> u64() { return read_be<std::uint64_t>(); }
  // The unread rest; consumes it.
  [[nodiscard]] Bytes rest() {
    auto out = data_.subspan(pos_);
    pos_ = data_.size();
    return out;
  }

 private:
  template <class T>
  std::optional<T> read_be() {
    if (remaining() < sizeof(T)) return std::nullopt;
    T value = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
      value = static_cast<T>((value << 8) | std::to_integer<std::uint8_t>(data_[pos_ + i]));
    pos_ += sizeof(T);
    return value;
  }
  Bytes data_;
  std::size_t pos_{0};
};

// Appends big-endian fields to a Buffer.
class ByteWriter {
 public:
  explicit ByteWriter(Buffer& out) : out_(out) {}
  void u8(std::uint8_t v) { put_be(v); }
  void u16(std::uint16_t v) { put_be(v); }
  void u32(std::uint32_t v) { put_be(v); }
  void u64(std::uint64_t v) { put_be(v); }
  void bytes(Bytes b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void text(std::string_view s) {
    for (char c : s) out_.push_back(static_cast<std::byte>(c));
  }

 private:
  template <class T>
  void put_be(T v) {
    for (std::size_t i = sizeof(T); i-- > 0;) out_.push_back(static_cast<std::byte>((v >> (i * 8)) & 0xff));
  }
  Buffer& out_;
};

[[nodiscard]] inline Bytes as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}
[[nodiscard]] inline std::string_view as_text(Bytes b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace ilnp::wire
