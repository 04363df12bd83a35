// Two buffers reserved up front and swapped under a mutex: the event loop only
// copies bytes into one while the writer thread writes the other, so neither
// the disk nor an allocation ever stalls the packet path.
#include "ilnp/io/pcap_trace.hpp"

#include <chrono>
#include <cstring>
#include <stdexcept>

#include "ilnp/core/wire/header.hpp"
#include "ilnp/core/wire/pcap_writer.hpp"

namespace ilnp::io {

namespace {

using namespace std::chrono_literals;

constexpr auto kWriteInterval = 100ms;  // a live trace is at most this far behind
constexpr std::size_t kPcapFileHeader = 24;
constexpr std::size_t kPcapRecordOverhead =
    16 + wire::PcapWriter::kIpv6HeaderSize + wire::PcapWriter::kUdpHeaderSize;
constexpr std::size_t kSourceNidOffset = 16;  // proto/README.md section 3

// What record() stores before each datagram in the hand-off buffer.
struct Entry {
  std::int64_t unix_ns;
  std::uint64_t link;
  std::uint32_t length;
};

Nid sender_of(std::span<const std::byte> datagram) {
  if (datagram.size() < kSourceNidOffset + 8) return Nid{0};  // a short datagram names nobody
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = v << 8 | std::to_integer<std::uint64_t>(datagram[kSourceNidOffset + i]);
  return Nid{v};
}

}  // namespace

PcapTrace::PcapTrace(PcapTraceOptions options, std::function<void(const std::string&)> on_cap)
    : options_(std::move(options)),
      on_cap_(std::move(on_cap)),
      file_(options_.path, std::ios::binary | std::ios::trunc) {
  if (!file_) throw std::runtime_error("trace.pcap: cannot create '" + options_.path + "'");
  filling_.reserve(kBufferBytes);
  writing_.reserve(kBufferBytes);
  writer_ = std::thread([this] { writer_thread(); });
}

PcapTrace::~PcapTrace() { close(); }

void PcapTrace::close() {
  if (!writer_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
  file_.close();
}

void PcapTrace::record(Locator link, wire::Bytes datagram, std::optional<std::uint8_t> hop_limit) {
  const auto unix_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  std::lock_guard lock(mutex_);
  if (capped_) {
    ++dropped_cap_;
    return;
  }
  const auto at = filling_.size();
  if (at + sizeof(Entry) + datagram.size() > kBufferBytes) {
    ++dropped_busy_;
    return;
  }
  const Entry entry{unix_ns, link.value, static_cast<std::uint32_t>(datagram.size())};
  filling_.resize(at + sizeof entry + datagram.size());  // within the reserved capacity
  std::memcpy(filling_.data() + at, &entry, sizeof entry);
  std::memcpy(filling_.data() + at + sizeof entry, datagram.data(), datagram.size());
  if (hop_limit && datagram.size() > wire::kHopLimitOffset)
    filling_[at + sizeof entry + wire::kHopLimitOffset] = std::byte{*hop_limit};
  if (filling_.size() > kBufferBytes / 2) wake_.notify_one();
}

PcapTraceStats PcapTrace::stats() const {
  std::lock_guard lock(mutex_);
  return {records_, dropped_busy_, dropped_cap_, write_errors_};
}

void PcapTrace::writer_thread() {
  wire::PcapWriter pcap(file_, options_.port);
  std::uint64_t file_bytes = kPcapFileHeader;
  bool full = false;
  bool broken = false;  // a write failed: the file may end mid-record, so stop adding to it
  for (;;) {
    bool last = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, kWriteInterval, [this] { return stopping_ || filling_.size() > kBufferBytes / 2; });
      std::swap(filling_, writing_);  // both keep their capacity
      last = stopping_;
    }
    std::uint64_t written = 0, over_cap = 0, lost = 0;
    const bool was_full = full, was_broken = broken;
    for (std::size_t at = 0; at + sizeof(Entry) <= writing_.size();) {
      Entry entry{};
      std::memcpy(&entry, writing_.data() + at, sizeof entry);
      const auto datagram = std::span<const std::byte>(writing_).subspan(at + sizeof entry, entry.length);
      at += sizeof entry + entry.length;
      const auto size = kPcapRecordOverhead + entry.length;
      if (broken) {
        ++lost;
        continue;
      }
      if (full || (options_.max_bytes != 0 && file_bytes + size > options_.max_bytes)) {
        full = true;
        ++over_cap;
        continue;
      }
      pcap.write(Instant{} + std::chrono::nanoseconds(entry.unix_ns), Locator{entry.link}, options_.uid,
                 sender_of(datagram), datagram);
      file_bytes += size;
      ++written;
    }
    writing_.clear();
    file_.flush();
    if (!broken && !file_) {
      broken = true;
      lost += written;  // some of this batch may be on disk, none of it surely
      written = 0;
    }
    {
      std::lock_guard lock(mutex_);
      records_ += written;
      write_errors_ += lost;
      dropped_cap_ += over_cap;
      capped_ = full;
    }
    if (full && !was_full && on_cap_)
      on_cap_("trace " + options_.path + " reached trace.pcap_max_bytes (" + std::to_string(options_.max_bytes) +
              " bytes): no more records are written");
    if (broken && !was_broken && on_cap_)
      on_cap_("trace " + options_.path + ": write failed (disk full or I/O error): no more records are written");
    if (last) return;
  }
}

}  // namespace ilnp::io
