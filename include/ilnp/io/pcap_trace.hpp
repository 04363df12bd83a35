// `--trace.pcap PATH`: what a real node sends and receives on each link,
// written as a pcap file (wire::PcapWriter's format) by a thread of its own.
// Owns the hand-off buffers, the writer thread and the size cap; knows
// nothing of sockets or of the node's decisions.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ilnp/core/types.hpp"
#include "ilnp/core/wire/bytes.hpp"

namespace ilnp::io {

struct PcapTraceOptions {
  std::string path;
  std::uint32_t uid{0};                  // the link's group addresses (wire::group_for)
  std::uint16_t port{10000};             // the UDP port written in each record
  std::uint64_t max_bytes{100'000'000};  // file size cap; 0: none
};

struct PcapTraceStats {
  std::uint64_t records{0};       // written to the file
  std::uint64_t dropped_busy{0};  // the writer fell behind: hand-off buffer full
  std::uint64_t dropped_cap{0};   // after the file reached max_bytes
  std::uint64_t write_errors{0};  // lost to a failed write (disk full, I/O error); none written after it
};

// record() runs on the event loop: it stamps the wall-clock time and copies
// the datagram into a buffer reserved up front (no allocation in steady
// state); the writer thread swaps that buffer out every 100 ms or when it is
// half full and writes it. When the buffer is full the record is dropped and
// counted; once the file reaches max_bytes no more records are written (the
// file stays a valid capture, cut at a record boundary) and the writer says so
// through `on_cap` once. Received datagrams carry the sender's NID in
// fe80::NID as their IPv6 source (the link layer does not pass the real
// address up); sent ones carry ours, so `ilnp.src_nid` tells the directions.
class PcapTrace {
 public:
  static constexpr std::size_t kBufferBytes = 4 << 20;

  // Throws std::runtime_error when the file cannot be created.
  PcapTrace(PcapTraceOptions options, std::function<void(const std::string&)> on_cap = {});
  ~PcapTrace();  // close()
  // Writes what is buffered and closes the file; record() is then not allowed.
  // stats() stays readable, with the final figures.
  void close();
  PcapTrace(const PcapTrace&) = delete;
  PcapTrace& operator=(const PcapTrace&) = delete;

  // One datagram crossing `link`; `hop_limit` replaces the header's when set
  // (a forwarded datagram leaves with one less than it arrived with).
  void record(Locator link, wire::Bytes datagram, std::optional<std::uint8_t> hop_limit = std::nullopt);

  [[nodiscard]] PcapTraceStats stats() const;
  [[nodiscard]] const std::string& path() const { return options_.path; }

 private:
  void writer_thread();

  PcapTraceOptions options_;
  std::function<void(const std::string&)> on_cap_;
  std::ofstream file_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::byte> filling_;  // records handed off by record()
  std::vector<std::byte> writing_;  // owned by the writer thread between swaps
  std::uint64_t dropped_busy_{0};
  std::uint64_t dropped_cap_{0};
  std::uint64_t write_errors_{0};
  std::uint64_t records_{0};
  bool capped_{false};
  bool stopping_{false};
  std::thread writer_;
};

}  // namespace ilnp::io
