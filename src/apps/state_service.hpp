// The node's durable state (ilnp_store): what it learns (peers, their keys
// and hostnames, identifier-locator bindings) goes to state.db through the
// background writer, and comes back at the next start so the node knows its
// peers at once. Counters are snapshotted every few seconds.
#pragma once

#include <memory>
#include <optional>

#include <boost/asio/steady_timer.hpp>

#include "ilnp/store/state_writer.hpp"
#include "runtime.hpp"

namespace ilnp::apps {

class StateService {
 public:
  static constexpr auto kCounterInterval = std::chrono::seconds(5);

  // Opens (creating or migrating) state.db in the runtime's state dir and
  // restores the bindings that are still live. Throws store::StoreError.
  explicit StateService(Runtime& runtime);
  ~StateService();

  void on_event(const Event& event);
  [[nodiscard]] store::BatcherStats stats() const { return writer_->stats(); }
  [[nodiscard]] std::uint64_t prune_failures() const { return writer_->prune_failures(); }
  [[nodiscard]] std::uint64_t pruned() const { return writer_->pruned(); }
  [[nodiscard]] std::size_t restored() const { return restored_; }

 private:
  void restore(store::Database& db);
  void snapshot_counters();  // and re-arms the timer
  void write_counters();

  Runtime& rt_;
  std::unique_ptr<store::StateWriter> writer_;
  boost::asio::steady_timer counter_timer_;
  std::size_t restored_{0};
};

}  // namespace ilnp::apps
