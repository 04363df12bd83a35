// The event loop's way into the state database: records go into a
// WriteBatcher and a writer thread commits them, so the loop never waits for
// the disk. Owns its Database connection; knows nothing of the core.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <span>

#include "ilnp/store/database.hpp"
#include "ilnp/store/records.hpp"
#include "ilnp/store/write_batcher.hpp"

namespace ilnp::store {

class StateWriter {
 public:
  // Takes `database` over: from now on only the writer thread uses it (open
  // another Database on the same directory to read meanwhile).
  // Every `prune_interval`, after a batch, the writer also prunes the
  // database to `limits` (expired rows deleted, tables capped).
  explicit StateWriter(Database database, BatcherConfig config = {},
                       WriteBatcher<StateRecord>::OnCommitted on_committed = {}, StoreLimits limits = {},
                       std::chrono::milliseconds prune_interval = std::chrono::seconds(1));

  // Each queues one record and returns at once; false if the queue was full
  // (the record is dropped and counted).
  bool binding_learned(const Binding& binding) { return batcher_.push(binding); }
  bool peer_seen(PeerSeen seen) { return batcher_.push(std::move(seen)); }
  bool counter_snapshot(Counter counter) { return batcher_.push(std::move(counter)); }

  // Blocks until everything queued so far is committed (clean shutdown).
  void flush() { batcher_.flush(); }
  [[nodiscard]] BatcherStats stats() const { return batcher_.stats(); }
  // Rows deleted by pruning so far (read from any thread).
  [[nodiscard]] std::uint64_t pruned() const { return pruned_.load(); }
  [[nodiscard]] std::uint64_t prune_failures() const { return prune_failures_.load(); }

 private:
  void commit(std::span<const StateRecord> batch);

  Database database_;
  const StoreLimits limits_;
  const std::chrono::milliseconds prune_interval_;
  std::chrono::steady_clock::time_point last_prune_{std::chrono::steady_clock::now()};  // first prune one interval in
  std::atomic<std::uint64_t> pruned_{0};
  std::atomic<std::uint64_t> prune_failures_{0};
  WriteBatcher<StateRecord> batcher_;  // after database_: its thread stops first
};

}  // namespace ilnp::store
