// Receive-side accounting of the throughput experiment: distinct sequence
// numbers, losses, duplicates and reordering, and the closing JSON line.
// Pure bookkeeping: no clocks or sockets. Used by experiment_app, so `ilnp
// experiment` and `ilnp sim` both write what experiments/analyze.py reads.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ilnp/core/time.hpp"
#include "ilnp/core/types.hpp"
#include "ilnp/core/wire/bytes.hpp"

namespace ilnp::apps {

class ExperimentStats {
 public:
  // Sequence numbers above this are counted as invalid, never stored.
  static constexpr std::uint64_t kMaxSequence = std::uint64_t{1} << 28;

  void on_sent(std::size_t bytes) {
    ++sent_;
    bytes_sent_ += bytes;
  }
  // Records one received data datagram (sequence > 0) that arrived at `at`.
  void on_received(std::uint64_t sequence, std::size_t bytes, Instant at);

  [[nodiscard]] std::uint64_t sent() const { return sent_; }
  [[nodiscard]] std::uint64_t received() const { return distinct_; }
  [[nodiscard]] std::uint64_t duplicates() const { return duplicates_; }
  [[nodiscard]] std::uint64_t reordered() const { return reordered_; }
  [[nodiscard]] std::uint64_t lost() const { return highest_ - distinct_; }
  [[nodiscard]] std::uint64_t invalid() const { return invalid_; }
  // The longest time between two consecutive received datagrams.
  [[nodiscard]] Duration longest_gap() const { return longest_gap_; }
  // Bytes received, or sent by a node that received nothing (prototype's "Total bytes").
  [[nodiscard]] std::uint64_t bytes_total() const { return bytes_received_ > 0 ? bytes_received_ : bytes_sent_; }

  // The one-line JSON summary that scripts read (last line of stdout).
  [[nodiscard]] std::string json(double duration_s) const;

 private:
  std::vector<bool> seen_;
  std::uint64_t sent_{0};
  std::uint64_t bytes_sent_{0};
  std::uint64_t bytes_received_{0};
  std::uint64_t distinct_{0};
  std::uint64_t duplicates_{0};
  std::uint64_t reordered_{0};
  std::uint64_t highest_{0};
  std::uint64_t invalid_{0};
  std::optional<Instant> last_arrival_;
  Duration longest_gap_{0};
};

// A datagram's sequence number: its first 8 bytes, big-endian (0 = stop).
[[nodiscard]] std::uint64_t read_sequence(wire::Bytes data);
void write_sequence(std::span<std::byte> data, std::uint64_t sequence);

// The per-datagram lines (application.print_datagrams) after their wall-clock
// stamp: "<- REMOTE SIZE SEQ" and "-> LOC:NID%ARRIVAL SIZE SEQ".
[[nodiscard]] std::string sent_line(const std::string& remote, std::size_t size, std::uint64_t sequence);
[[nodiscard]] std::string received_line(Ilv source, Locator arrival, std::size_t size, std::uint64_t sequence);
// The closing lines: "Total bytes: N" and the JSON summary.
[[nodiscard]] std::vector<std::string> closing_lines(const ExperimentStats& stats, double duration_s);

}  // namespace ilnp::apps
