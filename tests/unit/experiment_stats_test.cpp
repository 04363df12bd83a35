// Loss, duplicate and reordering arithmetic of the experiment receiver.
#include <gtest/gtest.h>

#include "experiment_stats.hpp"

namespace ilnp::apps {
namespace {

TEST(ExperimentStats, CountsLossDuplicatesAndReordering) {
  ExperimentStats s;
  Instant t{};
  for (std::uint64_t seq : {1, 2, 4, 3, 4, 7}) s.on_received(seq, 100, t += std::chrono::milliseconds(seq * 10));
  EXPECT_EQ(s.received(), 5u);    // 1 2 3 4 7
  EXPECT_EQ(s.duplicates(), 1u);  // the second 4
  EXPECT_EQ(s.reordered(), 1u);   // 3 after 4
  EXPECT_EQ(s.lost(), 2u);        // 5 and 6
  EXPECT_EQ(s.bytes_total(), 600u);
  EXPECT_EQ(s.longest_gap(), std::chrono::milliseconds(70));
}

TEST(ExperimentStats, RejectsAbsurdSequenceNumbersWithoutAllocating) {
  ExperimentStats s;
  s.on_received(~0ULL, 10, Instant{});
  s.on_received(0, 10, Instant{});
  EXPECT_EQ(s.invalid(), 2u);
  EXPECT_EQ(s.received(), 0u);
}

TEST(ExperimentStats, JsonHasTheKeysScriptsRead) {
  ExperimentStats s;
  s.on_sent(1396);
  auto json = s.json(2.0);
  for (auto key : {"\"sent\": 1", "\"received\": 0", "\"lost\": 0", "\"duplicates\": 0", "\"reordered\": 0",
                   "\"bytes_per_second\": 698.0", "\"duration_s\": 2.0"})
    EXPECT_NE(json.find(key), std::string::npos) << key << " in " << json;
}

}  // namespace
}  // namespace ilnp::apps
