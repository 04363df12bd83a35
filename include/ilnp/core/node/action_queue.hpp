// The node's pending actions, first in first out. A vector read from a head
// index and cleared once drained keeps its capacity, so a node in steady
// state (forwarding, delivering) queues and polls actions without allocating;
// std::deque allocates and frees a block every few actions.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "ilnp/core/node/actions.hpp"

namespace ilnp {

class ActionQueue {
 public:
  template <class... Args>
  void emplace_back(Args&&... args) {
    items_.emplace_back(std::forward<Args>(args)...);
  }
  [[nodiscard]] bool empty() const { return head_ == items_.size(); }
  [[nodiscard]] std::size_t size() const { return items_.size() - head_; }

  // The oldest action, moved out; nothing when the queue is empty.
  std::optional<Action> pop() {
    if (empty()) return std::nullopt;
    std::optional<Action> front(std::in_place, std::move(items_[head_++]));
    if (empty()) {
      items_.clear();
      head_ = 0;
    }
    return front;
  }

 private:
  std::vector<Action> items_;
  std::size_t head_{0};
};

}  // namespace ilnp
