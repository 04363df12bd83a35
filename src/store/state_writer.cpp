// Connects a WriteBatcher to a Database: one transaction per batch, and now
// and then a prune. Knows nothing of why records are written.
#include "ilnp/store/state_writer.hpp"

namespace ilnp::store {

StateWriter::StateWriter(Database database, BatcherConfig config, WriteBatcher<StateRecord>::OnCommitted on_committed,
                         StoreLimits limits, std::chrono::milliseconds prune_interval)
    : database_(std::move(database)),
      limits_(limits),
      prune_interval_(prune_interval),
      batcher_(
          config, [this](std::span<const StateRecord> batch) { commit(batch); }, std::move(on_committed)) {}

void StateWriter::commit(std::span<const StateRecord> batch) {
  database_.write(batch);
  // On the writer thread, after the batch: pruning never delays the event
  // loop, and a flood prunes as often as it writes, so the file stays bounded.
  const auto now = std::chrono::steady_clock::now();
  if (now - last_prune_ < prune_interval_) return;
  last_prune_ = now;
  try {
    pruned_ += database_.prune(to_wall_time(std::chrono::system_clock::now()), limits_).total();
  } catch (const StoreError&) {
    ++prune_failures_;  // the batch itself is committed; the next prune tries again
  }
}

}  // namespace ilnp::store
