// The node's metrics in the Prometheus text exposition format, for
// `ilnp ctl metrics` and for node_exporter's textfile collector
// (--metrics.textfile PATH, rewritten atomically every few seconds by a
// thread of its own, so the disk never stalls the packet path).
#pragma once

#include <array>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "persist_errors.hpp"
#include "proxy_service.hpp"
#include "runtime.hpp"

namespace ilnp::apps {

class Metrics {
 public:
  static constexpr auto kTextfileInterval = std::chrono::seconds(5);
  // Upper bounds (seconds) of the locator update round-trip histogram.
  static constexpr std::array<double, 8> kRttBuckets{0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.25, 1.0};

  Metrics(Runtime& runtime, const ProxyService& proxy);
  ~Metrics();

  [[nodiscard]] std::string text() const;
  // Every persistent write failure so far (state, textfile, trace, log).
  [[nodiscard]] std::vector<PersistError> persist_errors() const;

 private:
  void on_event(const Event& event);
  void write_textfile_soon();
  void watch_soon();  // checks persist_errors() every kTextfileInterval and warns of growth
  void textfile_thread();

  Runtime& rt_;
  const ProxyService& proxy_;
  std::array<std::uint64_t, kRttBuckets.size()> rtt_buckets_{};
  std::uint64_t rtt_count_{0};
  double rtt_sum_{0};
  std::string textfile_;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer watch_timer_;
  PersistWatch watch_;
  mutable std::mutex mutex_;
  std::uint64_t textfile_errors_{0};  // under mutex_, like textfile_error_
  std::string textfile_error_;
  std::condition_variable wake_;
  std::optional<std::string> pending_;
  bool stopping_{false};
  std::thread writer_;
};

}  // namespace ilnp::apps
