// The experiment results file: runs, datagrams and events land where a SQL
// query finds them; and how many datagram rows a second it takes.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "../store/temp_dir.hpp"
#include "ilnp/store/database.hpp"
#include "ilnp/store/results_writer.hpp"
#include "ilnp/store/schema.hpp"

namespace ilnp::store {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

const WallTime kT0 = from_unix_us(1'700'000'000'000'000);

RunInfo run_info(std::string node) {
  return RunInfo{.experiment = "mobility-1", .node = std::move(node), .started_at = kT0, .config = "moves=2\n"};
}

TEST(StoreResults, RowsLandInTheirTables) {
  TempDir tmp;
  const auto file = tmp / "results/run.db";
  std::int64_t first_run = 0;
  {
    ResultsWriter writer(file, run_info("mn"));
    first_run = writer.run_id();
    writer.datagram(DatagramRow{.time = kT0 + 1ms,
                                .direction = Direction::sent,
                                .sequence = 1,
                                .size = 64,
                                .locator = Locator{0xa},
                                .peer = Nid{0xffff'0000'0000'0001ULL}});
    writer.datagram(DatagramRow{.time = kT0 + 2ms,
                                .direction = Direction::received,
                                .sequence = 1,
                                .size = 64,
                                .locator = Locator{0xb},
                                .peer = Nid{2}});
    writer.event(EventRow{.time = kT0 + 3ms, .kind = "move", .detail = "0:0:0:a -> 0:0:0:b"});
    writer.flush();
    EXPECT_EQ(writer.stats().committed, 3u);
  }
  ResultsWriter second(file, run_info("cn"));  // the same file takes another run
  EXPECT_NE(second.run_id(), first_run);
  second.flush();

  Connection c = Connection::open(file, FileModes{});
  EXPECT_EQ(schema_version(c), ResultsWriter::kSchemaVersion);
  EXPECT_EQ(c.query_int64("SELECT count(*) FROM runs"), 2);
  {
    auto q = c.query("SELECT experiment, node, started_at_us, config FROM runs WHERE id = ?1");
    q.bind(1, first_run);
    ASSERT_TRUE(q.step());
    EXPECT_EQ(q.text_at(0), "mobility-1");
    EXPECT_EQ(q.text_at(1), "mn");
    EXPECT_EQ(q.int64_at(2), to_unix_us(kT0));
    EXPECT_EQ(q.text_at(3), "moves=2\n");
  }
  {
    auto q =
        c.query("SELECT run_id, direction, time_us, sequence, size, locator, peer FROM datagrams ORDER BY time_us");
    ASSERT_TRUE(q.step());
    EXPECT_EQ(q.int64_at(0), first_run);
    EXPECT_EQ(q.text_at(1), "sent");
    EXPECT_EQ(q.int64_at(2), to_unix_us(kT0 + 1ms));
    EXPECT_EQ(q.int64_at(3), 1);
    EXPECT_EQ(q.int64_at(4), 64);
    EXPECT_EQ(q.text_at(5), "0:0:0:a");
    EXPECT_EQ(q.text_at(6), "ffff:0:0:1");
    ASSERT_TRUE(q.step());
    EXPECT_EQ(q.text_at(1), "received");
    EXPECT_FALSE(q.step());
  }
  {
    auto q = c.query("SELECT kind, detail FROM events WHERE run_id = ?1");
    q.bind(1, first_run);
    ASSERT_TRUE(q.step());
    EXPECT_EQ(q.text_at(0), "move");
    EXPECT_EQ(q.text_at(1), "0:0:0:a -> 0:0:0:b");
  }
}

TEST(StoreResults, StateDatabaseAndResultsFileAreNotConfused) {
  TempDir tmp;
  { Database db(tmp.path()); }
  EXPECT_THROW(ResultsWriter(tmp / "state.db", run_info("mn")), StoreError);
  { ResultsWriter w(tmp / "other/state.db", run_info("mn")); }
  EXPECT_THROW(Database(tmp / "other"), StoreError);
}

TEST(StoreResults, InsertRate100kDatagrams) {
  TempDir tmp;
  constexpr int kRows = 100'000;
  ResultsWriter writer(tmp / "results.db", run_info("mn"));
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRows; ++i)
    writer.datagram(DatagramRow{.time = kT0 + std::chrono::microseconds(i * 100),
                                .direction = i % 2 == 0 ? Direction::sent : Direction::received,
                                .sequence = static_cast<std::uint64_t>(i / 2),
                                .size = 1200,
                                .locator = Locator{0xa + static_cast<std::uint64_t>(i % 3)},
                                .peer = Nid{2}});
  const auto queued = std::chrono::steady_clock::now();
  writer.flush();
  const auto done = std::chrono::steady_clock::now();
  const auto stats = writer.stats();
  EXPECT_EQ(stats.dropped, 0u);
  EXPECT_EQ(stats.committed, static_cast<std::uint64_t>(kRows));
  const double seconds = std::chrono::duration<double>(done - start).count();
  const double push_us = std::chrono::duration<double, std::micro>(queued - start).count() / kRows;
  std::printf("[ rate     ] %d datagram rows committed in %.3f s: %.0f rows/s (%llu batches; %.3f us per push)\n",
              kRows, seconds, kRows / seconds, static_cast<unsigned long long>(stats.batches), push_us);

  Connection c = Connection::open(tmp / "results.db", FileModes{});
  EXPECT_EQ(c.query_int64("SELECT count(*) FROM datagrams"), kRows);
}

}  // namespace
}  // namespace ilnp::store
