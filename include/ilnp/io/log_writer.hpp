// Writes lines to a file descriptor on a thread of its own, so that no disk or
// terminal write ever blocks the packet path. The queue is bounded: when it is
// full, lines are dropped and counted, and the count is reported.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace ilnp::io {

class LogWriter {
 public:
  static constexpr std::size_t kMaxQueuedLines = 65536;

  // Takes ownership of `fd` unless it is 1 or 2.
  explicit LogWriter(int fd);
  ~LogWriter();
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Queues one line; a newline is added.
  void write(std::string line);
  // Blocks until every queued line is written (used at exit).
  void flush();
  [[nodiscard]] std::uint64_t dropped() const;
  // Lines lost because write(2) failed (disk full, closed pipe): there is
  // nowhere to log that, so it is counted for the metrics instead.
  [[nodiscard]] std::uint64_t write_errors() const;

 private:
  void run();

  int fd_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::string> queue_;
  std::uint64_t dropped_{0};
  std::uint64_t write_errors_{0};
  bool writing_{false};
  bool stopping_{false};
  std::thread thread_;
};

}  // namespace ilnp::io
