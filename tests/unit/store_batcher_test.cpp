// The write batcher on its own (a vector as its "disk") and the StateWriter
// over a real state database: everything flushed, drops counted, failures counted.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "../store/temp_dir.hpp"
#include "ilnp/store/database.hpp"
#include "ilnp/store/state_writer.hpp"
#include "ilnp/store/write_batcher.hpp"

namespace ilnp::store {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

const WallTime kT0 = from_unix_us(1'700'000'000'000'000);

// Records what was "committed", in order.
struct Sink {
  std::mutex mutex;
  std::vector<int> records;
  std::vector<std::size_t> batch_sizes;
  void commit(std::span<const int> batch) {
    std::lock_guard lock(mutex);
    records.insert(records.end(), batch.begin(), batch.end());
    batch_sizes.push_back(batch.size());
  }
};

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return pred();
}

TEST(StoreBatcher, FlushCommitsEverythingInOrder) {
  Sink sink;
  // A long delay: only full batches and the flush make commits happen.
  WriteBatcher<int> batcher({.queue_capacity = 10000, .max_batch = 500, .max_delay = 60s},
                            [&](std::span<const int> b) { sink.commit(b); });
  for (int i = 0; i < 1234; ++i) ASSERT_TRUE(batcher.push(i));
  batcher.flush();
  ASSERT_EQ(sink.records.size(), 1234u);
  for (int i = 0; i < 1234; ++i) EXPECT_EQ(sink.records[static_cast<std::size_t>(i)], i);
  for (std::size_t n : sink.batch_sizes) EXPECT_LE(n, 500u);
  const auto stats = batcher.stats();
  EXPECT_EQ(stats.accepted, 1234u);
  EXPECT_EQ(stats.committed, 1234u);
  EXPECT_EQ(stats.dropped, 0u);
  EXPECT_EQ(stats.failed, 0u);
  EXPECT_EQ(stats.batches, sink.batch_sizes.size());
}

TEST(StoreBatcher, CommitsAfterMaxDelayWithoutFlush) {
  Sink sink;
  WriteBatcher<int> batcher({.queue_capacity = 100, .max_batch = 500, .max_delay = 20ms},
                            [&](std::span<const int> b) { sink.commit(b); });
  batcher.push(1);
  batcher.push(2);
  EXPECT_TRUE(eventually([&] { return batcher.stats().committed == 2; }));
}

TEST(StoreBatcher, DestructionCommitsWhatIsQueued) {
  Sink sink;
  {
    WriteBatcher<int> batcher({.queue_capacity = 1000, .max_batch = 7, .max_delay = 60s},
                              [&](std::span<const int> b) { sink.commit(b); });
    for (int i = 0; i < 100; ++i) batcher.push(i);
  }
  EXPECT_EQ(sink.records.size(), 100u);
}

TEST(StoreBatcher, DropsAndCountsWhenQueueIsFull) {
  Sink sink;
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> first{true};
  WriteBatcher<int> batcher({.queue_capacity = 10, .max_batch = 1, .max_delay = 1ms}, [&](std::span<const int> b) {
    if (first.exchange(false)) {
      entered.set_value();
      released.wait();  // the disk is slow
    }
    sink.commit(b);
  });
  ASSERT_TRUE(batcher.push(0));
  entered.get_future().wait();  // record 0 is being written; the queue is empty
  int accepted = 0;
  for (int i = 1; i <= 15; ++i) accepted += batcher.push(i) ? 1 : 0;
  EXPECT_EQ(accepted, 10);
  EXPECT_EQ(batcher.stats().dropped, 5u);
  release.set_value();
  batcher.flush();
  const auto stats = batcher.stats();
  EXPECT_EQ(stats.committed, 11u);
  EXPECT_EQ(stats.accepted, 11u);
  EXPECT_EQ(stats.dropped, 5u);
  EXPECT_EQ(sink.records, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
}

TEST(StoreBatcher, FailedBatchIsCountedAndTheWriterGoesOn) {
  Sink sink;
  std::atomic<int> calls{0};
  WriteBatcher<int> batcher({.queue_capacity = 100, .max_batch = 3, .max_delay = 60s}, [&](std::span<const int> b) {
    if (calls++ == 0) throw std::runtime_error("disk full");
    sink.commit(b);
  });
  for (int i = 0; i < 3; ++i) batcher.push(i);
  batcher.flush();
  for (int i = 3; i < 6; ++i) batcher.push(i);
  batcher.flush();
  const auto stats = batcher.stats();
  EXPECT_EQ(stats.failed, 3u);
  EXPECT_EQ(stats.committed, 3u);
  EXPECT_EQ(stats.last_error, "disk full");
  EXPECT_EQ(sink.records, (std::vector<int>{3, 4, 5}));
}

TEST(StoreBatcher, ReportsEachCommittedBatch) {
  std::mutex mutex;
  std::vector<BatchReport> reports;
  WriteBatcher<int> batcher(
      {.queue_capacity = 1000, .max_batch = 10, .max_delay = 60s}, [](std::span<const int>) {},
      [&](const BatchReport& r) {
        std::lock_guard lock(mutex);
        reports.push_back(r);
      });
  for (int i = 0; i < 95; ++i) batcher.push(i);
  batcher.flush();
  std::lock_guard lock(mutex);  // flush() returned after the last report
  ASSERT_FALSE(reports.empty());
  std::uint64_t sum = 0;
  for (const auto& r : reports) {
    sum += r.records;
    EXPECT_EQ(r.committed_total, sum);
  }
  EXPECT_EQ(sum, 95u);
}

TEST(StoreStateWriter, CommitsRecordsReadableFromAnotherConnection) {
  TempDir tmp;
  std::atomic<std::uint64_t> reported{0};
  StateWriter writer(Database(tmp.path()), {.queue_capacity = 10000, .max_batch = 100, .max_delay = 50ms},
                     [&](const BatchReport& r) { reported = r.committed_total; });
  for (std::uint64_t i = 0; i < 1000; ++i)
    writer.binding_learned(Binding{.nid = Nid{i},
                                   .locator = Locator{0x1'0000 + i},
                                   .source = BindingSource::discovery,
                                   .learned_at = kT0,
                                   .expires_at = kT0 + 60s});
  writer.peer_seen(PeerSeen{.nid = Nid{7}, .at = kT0, .public_key = std::nullopt, .hostnames = {"cn"}});
  writer.counter_snapshot(Counter{.name = "forwarded", .value = 99, .updated_at = kT0});
  writer.flush();
  EXPECT_EQ(reported.load(), 1002u);
  EXPECT_EQ(writer.stats().committed, 1002u);

  Database reader(tmp.path());  // a second connection while the writer lives
  EXPECT_EQ(reader.bindings().size(), 1000u);
  EXPECT_EQ(reader.live_bindings(kT0 + 59s).size(), 1000u);
  EXPECT_EQ(reader.peer(Nid{7})->hostnames, std::vector<std::string>{"cn"});
  EXPECT_EQ(reader.counter("forwarded")->value, 99u);
}

}  // namespace
}  // namespace ilnp::store
