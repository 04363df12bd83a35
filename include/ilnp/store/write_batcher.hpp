// Moves small records off the event loop: a bounded queue in memory and a
// thread of its own that commits them in batches. Knows no table and no SQL.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace ilnp::store {

struct BatcherConfig {
  std::size_t queue_capacity{65536};  // records waiting; beyond this, push() drops
  std::size_t max_batch{500};         // records per commit
  // A record waits at most about this long for its batch to fill (up to
  // twice as long while a backlog is being written).
  std::chrono::milliseconds max_delay{200};
};

struct BatcherStats {
  std::uint64_t accepted{0};   // pushed and queued
  std::uint64_t dropped{0};    // refused because the queue was full
  std::uint64_t committed{0};  // in batches whose commit returned
  std::uint64_t failed{0};     // in batches whose commit threw (lost, not retried)
  std::uint64_t batches{0};    // commits that returned
  std::string last_error;      // message of the latest failed commit
};

// Told after each batch is committed, on the writer thread.
struct BatchReport {
  std::size_t records{0};            // in this batch
  std::uint64_t committed_total{0};  // in all batches so far
};

// `Commit` runs on the writer thread and must be all or nothing (one
// transaction): if it throws, none of the batch was written; the batch is
// counted as failed and not retried. `OnCommitted`, also on the writer thread,
// hears of each batch after its commit returned; records it reports are as
// durable as the commit makes them.
template <class Record>
class WriteBatcher {
 public:
  using Commit = std::function<void(std::span<const Record>)>;
  using OnCommitted = std::function<void(const BatchReport&)>;

  WriteBatcher(BatcherConfig config, Commit commit, OnCommitted on_committed = {})
      : config_(normalized(config)),
        commit_(std::move(commit)),
        on_committed_(std::move(on_committed)),
        thread_([this] { run(); }) {}

  // Commits everything still queued, then stops the thread.
  ~WriteBatcher() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
  WriteBatcher(const WriteBatcher&) = delete;
  WriteBatcher& operator=(const WriteBatcher&) = delete;

  // Queues `record` without waiting for the disk; false (and counted in
  // stats().dropped) when the queue is full.
  bool push(Record record) {
    std::unique_lock lock(mutex_);
    if (queue_.size() >= config_.queue_capacity) {
      ++stats_.dropped;
      return false;
    }
    const bool was_empty = queue_.empty();
    if (was_empty) oldest_ = std::chrono::steady_clock::now();
    queue_.push_back(std::move(record));
    ++stats_.accepted;
    // The writer needs waking only to start a wait or to end one early.
    const bool wake = was_empty || queue_.size() == config_.max_batch;
    lock.unlock();
    if (wake) wake_.notify_one();
    return true;
  }

  // Blocks until every record accepted before the call has been committed (or
  // its batch failed). Not to be called from Commit or OnCommitted.
  void flush() {
    std::unique_lock lock(mutex_);
    const std::uint64_t target = stats_.accepted;
    flush_target_ = std::max(flush_target_, target);
    wake_.notify_one();
    done_.wait(lock, [&] { return processed_ >= target; });
  }

  [[nodiscard]] BatcherStats stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
  }

 private:
  static BatcherConfig normalized(BatcherConfig c) {
    c.queue_capacity = std::max<std::size_t>(c.queue_capacity, 1);
    c.max_batch = std::max<std::size_t>(c.max_batch, 1);
    return c;
  }

  // Under the lock: commit now rather than wait for a fuller batch.
  [[nodiscard]] bool commit_now() const {
    return queue_.size() >= config_.max_batch || stopping_ || processed_ < flush_target_;
  }

  void run() {
    std::vector<Record> batch;
    batch.reserve(config_.max_batch);
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping, and everything is written
      if (!commit_now()) wake_.wait_until(lock, oldest_ + config_.max_delay, [&] { return commit_now(); });

      const std::size_t n = std::min(queue_.size(), config_.max_batch);
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      if (!queue_.empty()) oldest_ = std::chrono::steady_clock::now();
      lock.unlock();

      std::string error;
      bool ok = true;
      try {
        commit_(std::span<const Record>(batch));
      } catch (const std::exception& e) {
        ok = false;
        error = e.what();
      } catch (...) {
        ok = false;
        error = "unknown exception";
      }
      batch.clear();

      std::uint64_t committed_total = 0;
      {
        std::lock_guard guard(mutex_);
        if (ok) {
          stats_.committed += n;
          ++stats_.batches;
        } else {
          stats_.failed += n;
          stats_.last_error = std::move(error);
        }
        committed_total = stats_.committed;
      }
      if (ok && on_committed_) {
        try {
          on_committed_(BatchReport{.records = n, .committed_total = committed_total});
        } catch (...) {
          // A failing observer must not stop the writer; the stats still count the batch.
        }
      }

      lock.lock();
      processed_ += n;  // after the report, so that flush() returns after it
      done_.notify_all();
    }
  }

  const BatcherConfig config_;
  const Commit commit_;
  const OnCommitted on_committed_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;  // the writer waits for records, a full batch, a flush or stop
  std::condition_variable done_;  // flush() waits for processed_
  std::deque<Record> queue_;
  std::chrono::steady_clock::time_point oldest_{};  // when the oldest queued record arrived (about)
  BatcherStats stats_;
  std::uint64_t processed_{0};     // committed or failed, in order of acceptance
  std::uint64_t flush_target_{0};  // a flush waits until processed_ reaches this
  bool stopping_{false};
  std::thread thread_;  // last: starts after every other member is ready
};

}  // namespace ilnp::store
