// The results file's schema and its batched inserts (one transaction per
// batch of the shared WriteBatcher). Knows nothing of how experiments run.
#include "ilnp/store/results_writer.hpp"

#include "ilnp/store/schema.hpp"

namespace ilnp::store {
namespace {

constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE runs (
  id            INTEGER PRIMARY KEY,
  experiment    TEXT NOT NULL,
  node          TEXT NOT NULL,
  started_at_us INTEGER NOT NULL,
  config        TEXT NOT NULL
);
CREATE TABLE datagrams (
  run_id    INTEGER NOT NULL REFERENCES runs(id),
  direction TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
  time_us   INTEGER NOT NULL,
  sequence  INTEGER NOT NULL,
  size      INTEGER NOT NULL,
  locator   TEXT NOT NULL,
  peer      TEXT NOT NULL
);
CREATE INDEX datagrams_by_run ON datagrams(run_id, time_us);
CREATE TABLE events (
  run_id  INTEGER NOT NULL REFERENCES runs(id),
  time_us INTEGER NOT NULL,
  kind    TEXT NOT NULL,
  detail  TEXT NOT NULL
);
CREATE INDEX events_by_run ON events(run_id, time_us);
)sql"},
};
static_assert(std::size(kMigrations) == ResultsWriter::kSchemaVersion);

constexpr SchemaSpec kSchema{
    .kind = "results file", .application_id = ResultsWriter::kApplicationId, .migrations = kMigrations};

std::int64_t start_run(Connection& c, const RunInfo& run) {
  c.query("INSERT INTO runs (experiment, node, started_at_us, config) VALUES (?1, ?2, ?3, ?4)")
      .bind(1, run.experiment)
      .bind(2, run.node)
      .bind(3, to_unix_us(run.started_at))
      .bind(4, run.config)
      .run();
  return c.last_insert_rowid();
}

}  // namespace

std::string_view to_string(Direction direction) { return direction == Direction::sent ? "sent" : "received"; }

ResultsWriter::ResultsWriter(const std::filesystem::path& file, const RunInfo& run, BatcherConfig config,
                             WriteBatcher<ResultRecord>::OnCommitted on_committed)
    : connection_(open_with_schema(file, kSchema, FileModes{.directory = 0755, .file = 0644})),
      run_id_(start_run(connection_, run)),
      batcher_(
          config, [this](std::span<const ResultRecord> batch) { commit(batch); }, std::move(on_committed)) {}

void ResultsWriter::commit(std::span<const ResultRecord> batch) {
  Transaction t(connection_);
  for (const ResultRecord& record : batch) {
    if (const auto* d = std::get_if<DatagramRow>(&record)) {
      connection_
          .query(
              "INSERT INTO datagrams (run_id, direction, time_us, sequence, size, locator, peer)"
              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
          .bind(1, run_id_)
          .bind(2, to_string(d->direction))
          .bind(3, to_unix_us(d->time))
          .bind(4, static_cast<std::int64_t>(d->sequence))
          .bind(5, static_cast<std::int64_t>(d->size))
          .bind(6, d->locator.to_string())
          .bind(7, d->peer.to_string())
          .run();
    } else {
      const auto& e = std::get<EventRow>(record);
      connection_.query("INSERT INTO events (run_id, time_us, kind, detail) VALUES (?1, ?2, ?3, ?4)")
          .bind(1, run_id_)
          .bind(2, to_unix_us(e.time))
          .bind(3, e.kind)
          .bind(4, e.detail)
          .run();
    }
  }
  t.commit();
}

}  // namespace ilnp::store
