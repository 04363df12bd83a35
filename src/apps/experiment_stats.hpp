// Receive-side accounting of the throughput experiment: distinct sequence
// numbers, losses, duplicates and reordering, and the closing JSON line.
// Pure bookkeeping: no clocks or sockets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ilnp/core/time.hpp"

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

}  // namespace ilnp::apps
