// A writer thread drains the queue in batches; the event loop only appends.
#include "ilnp/io/log_writer.hpp"

#include <unistd.h>

#include <cerrno>

namespace ilnp::io {

LogWriter::LogWriter(int fd) : fd_(fd), thread_([this] { run(); }) {}

LogWriter::~LogWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  if (fd_ > 2) ::close(fd_);
}

void LogWriter::write(std::string line) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= kMaxQueuedLines) {
      ++dropped_;
      return;
    }
    line.push_back('\n');
    queue_.push_back(std::move(line));
  }
  wake_.notify_one();
}

void LogWriter::flush() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return queue_.empty() && !writing_; });
}

std::uint64_t LogWriter::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

std::uint64_t LogWriter::write_errors() const {
  std::lock_guard lock(mutex_);
  return write_errors_;
}

void LogWriter::run() {
  std::uint64_t reported_drops = 0;
  for (;;) {
    std::deque<std::string> batch;
    std::uint64_t drops = 0;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      batch.swap(queue_);
      drops = dropped_;
      writing_ = true;
    }
    std::string text;
    if (drops != reported_drops) {
      text += "log writer: " + std::to_string(drops - reported_drops) + " lines dropped (queue full)\n";
      reported_drops = drops;
    }
    for (auto& line : batch) text += line;
    bool failed = false;
    for (std::size_t off = 0; off < text.size();) {
      auto n = ::write(fd_, text.data() + off, text.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        failed = true;  // nowhere to report a failing log; drop the rest and count it
        break;
      }
      off += static_cast<std::size_t>(n);
    }
    {
      std::lock_guard lock(mutex_);
      writing_ = false;
      if (failed) write_errors_ += batch.size();
    }
    idle_.notify_all();
  }
}

}  // namespace ilnp::io
