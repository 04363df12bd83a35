// The node's action queue: first in, first out, also when actions are queued
// while others are being polled (a Deliver handler that sends).
#include <gtest/gtest.h>

#include "ilnp/core/node/action_queue.hpp"

namespace ilnp {
namespace {

Locator link_of(const std::optional<Action>& a) { return std::get<Join>(*a).link; }

TEST(ActionQueue, PollsInOrderAcrossInterleavedQueueing) {
  ActionQueue q;
  EXPECT_FALSE(q.pop());
  q.emplace_back(Join{Locator{1}});
  q.emplace_back(Join{Locator{2}});
  EXPECT_EQ(link_of(q.pop()), Locator{1});
  q.emplace_back(Join{Locator{3}});  // queued mid-drain
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(link_of(q.pop()), Locator{2});
  EXPECT_EQ(link_of(q.pop()), Locator{3});
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.pop());
  q.emplace_back(Join{Locator{4}});  // reused after being drained
  EXPECT_EQ(link_of(q.pop()), Locator{4});
}

}  // namespace
}  // namespace ilnp
