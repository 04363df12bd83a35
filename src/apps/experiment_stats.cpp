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
  if (seen_.size() <= sequence) seen_.resize(std::max<std::size_t>(sequence + 1, seen_.size() * 2), false);
  if (seen_[sequence]) {
    ++duplicates_;
    return;
  }
  seen_[sequence] = true;
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

}  // namespace ilnp::apps
