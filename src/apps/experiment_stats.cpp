// Loss is what the highest sequence number says should have arrived but did
// not; a late arrival counts as reordered, a repeat as a duplicate.
#include "experiment_stats.hpp"

#include <cstdio>

namespace ilnp::apps {

void ExperimentStats::on_received(std::uint64_t sequence, std::size_t bytes, Instant at) {
  if (sequence == 0 || sequence > kMaxSequence) {
    ++invalid_;
    return;
  }
  if (last_arrival_) longest_gap_ = std::max(longest_gap_, at - *last_arrival_);
  last_arrival_ = at;
  bytes_received_ += bytes;
  // At most kMaxSequence (2^28): an index on 32-bit targets too.
  auto index = static_cast<std::size_t>(sequence);
  if (seen_.size() <= index) seen_.resize(std::max<std::size_t>(index + 1, seen_.size() * 2), false);
  if (seen_[index]) {
    ++duplicates_;
    return;
  }
  seen_[index] = true;
  ++distinct_;
  if (sequence < highest_) ++reordered_;
  if (sequence > highest_) highest_ = sequence;
}

std::string ExperimentStats::json(double duration_s) const {
  double rate = duration_s > 0 ? static_cast<double>(bytes_total()) / duration_s : 0.0;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "{\"sent\": %llu, \"received\": %llu, \"lost\": %llu, \"duplicates\": %llu, \"reordered\": %llu, "
                "\"invalid\": %llu, \"bytes_sent\": %llu, \"bytes_received\": %llu, \"bytes_per_second\": %.1f, "
                "\"longest_gap_s\": %.6f, \"duration_s\": %.6f}",
                static_cast<unsigned long long>(sent_), static_cast<unsigned long long>(distinct_),
                static_cast<unsigned long long>(lost()), static_cast<unsigned long long>(duplicates_),
                static_cast<unsigned long long>(reordered_), static_cast<unsigned long long>(invalid_),
                static_cast<unsigned long long>(bytes_sent_), static_cast<unsigned long long>(bytes_received_),
                rate, to_seconds(longest_gap_), duration_s);
  return buf;
}

std::uint64_t read_sequence(wire::Bytes data) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8 && i < data.size(); ++i) v = (v << 8) | std::to_integer<std::uint8_t>(data[i]);
  return v;
}

void write_sequence(std::span<std::byte> data, std::uint64_t sequence) {
  for (std::size_t i = 0; i < 8 && i < data.size(); ++i) data[i] = static_cast<std::byte>(sequence >> (56 - 8 * i));
}

std::string sent_line(const std::string& remote, std::size_t size, std::uint64_t sequence) {
  return "<- " + remote + " " + std::to_string(size) + " " + std::to_string(sequence);
}

std::string received_line(Ilv source, Locator arrival, std::size_t size, std::uint64_t sequence) {
  return "-> " + source.to_string() + "%" + arrival.to_string() + " " + std::to_string(size) + " " +
         std::to_string(sequence);
}

std::vector<std::string> closing_lines(const ExperimentStats& stats, double duration_s) {
  return {"Total bytes: " + std::to_string(stats.bytes_total()), stats.json(duration_s)};
}

}  // namespace ilnp::apps
