// Experiment results in an SQLite file of their own: one row per run, per
// datagram sent or received, and per event (move, update sent or acked, ...),
// so that analysis is a SQL query. Knows nothing of the node's state database.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>

#include "ilnp/core/types.hpp"
#include "ilnp/store/records.hpp"
#include "ilnp/store/sqlite.hpp"
#include "ilnp/store/write_batcher.hpp"

namespace ilnp::store {

struct RunInfo {
  std::string experiment;  // e.g. "mobility-1"
  std::string node;        // who writes: hostname or NID
  WallTime started_at;
  std::string config;  // the run's configuration as text, as given
};

enum class Direction { sent, received };
[[nodiscard]] std::string_view to_string(Direction direction);

struct DatagramRow {
  WallTime time;
  Direction direction{Direction::sent};
  std::uint64_t sequence{0};
  std::uint32_t size{0};  // payload bytes
  Locator locator;        // sent to, or arrived on
  Nid peer;               // the correspondent
};

struct EventRow {
  WallTime time;
  std::string kind;  // e.g. "move", "update_sent", "update_acked", "left"
  std::string detail;
};

using ResultRecord = std::variant<DatagramRow, EventRow>;

class ResultsWriter {
 public:
  static constexpr int kSchemaVersion = 1;
  static constexpr std::int32_t kApplicationId = 0x494c4e52;  // "ILNR"
  // Thousands of rows a second: bigger batches than the state's, and room
  // for a few seconds of backlog.
  static constexpr BatcherConfig kDefaultBatching{
      .queue_capacity = 262144, .max_batch = 5000, .max_delay = std::chrono::milliseconds(200)};

  // Opens `file` (created 0644, with missing directories 0755; an existing
  // results file is appended to) and inserts a row for this run. Throws
  // StoreError on the same conditions as Database.
  ResultsWriter(const std::filesystem::path& file, const RunInfo& run, BatcherConfig config = kDefaultBatching,
                WriteBatcher<ResultRecord>::OnCommitted on_committed = {});

  [[nodiscard]] std::int64_t run_id() const noexcept { return run_id_; }

  // Queue one row and return at once; false if the queue was full (dropped, counted).
  bool datagram(const DatagramRow& row) { return batcher_.push(row); }
  bool event(EventRow row) { return batcher_.push(std::move(row)); }

  // Blocks until every row queued so far is committed.
  void flush() { batcher_.flush(); }
  [[nodiscard]] BatcherStats stats() const { return batcher_.stats(); }

 private:
  void commit(std::span<const ResultRecord> batch);

  Connection connection_;  // used by the writer thread only, once constructed
  std::int64_t run_id_;
  WriteBatcher<ResultRecord> batcher_;  // last: its thread stops first
};

}  // namespace ilnp::store
