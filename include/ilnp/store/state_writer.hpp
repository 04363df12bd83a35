// The event loop's way into the state database: records go into a
// WriteBatcher and a writer thread commits them, so the loop never waits for
// the disk. Owns its Database connection; knows nothing of the core.
#pragma once

#include "ilnp/store/database.hpp"
#include "ilnp/store/records.hpp"
#include "ilnp/store/write_batcher.hpp"

namespace ilnp::store {

class StateWriter {
 public:
  // Takes `database` over: from now on only the writer thread uses it (open
  // another Database on the same directory to read meanwhile).
  explicit StateWriter(Database database, BatcherConfig config = {},
                       WriteBatcher<StateRecord>::OnCommitted on_committed = {});

  // Each queues one record and returns at once; false if the queue was full
  // (the record is dropped and counted).
  bool binding_learned(const Binding& binding) { return batcher_.push(binding); }
  bool peer_seen(PeerSeen seen) { return batcher_.push(std::move(seen)); }
  bool counter_snapshot(Counter counter) { return batcher_.push(std::move(counter)); }

  // Blocks until everything queued so far is committed (clean shutdown).
  void flush() { batcher_.flush(); }
  [[nodiscard]] BatcherStats stats() const { return batcher_.stats(); }

 private:
  Database database_;
  WriteBatcher<StateRecord> batcher_;  // after database_: its thread stops first
};

}  // namespace ilnp::store
