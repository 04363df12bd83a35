// Connects a WriteBatcher to a Database: one transaction per batch.
// Knows nothing of when or why records are written.
#include "ilnp/store/state_writer.hpp"

namespace ilnp::store {

StateWriter::StateWriter(Database database, BatcherConfig config, WriteBatcher<StateRecord>::OnCommitted on_committed)
    : database_(std::move(database)),
      batcher_(
          config, [this](std::span<const StateRecord> batch) { database_.write(batch); }, std::move(on_committed)) {}

}  // namespace ilnp::store
