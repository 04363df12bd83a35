// The heartbeat's logic without a clock or a socket: a message at start and
// every second, the lines it prints, and a refused send.
#include <gtest/gtest.h>

#include "app_run.hpp"
#include "heartbeat_app.hpp"

namespace ilnp::apps {
namespace {

using namespace std::chrono_literals;
using test::AppRun;

constexpr Locator A{0xa}, B{0xb};
constexpr Nid kAlice{0xa11ce}, kBob{0xb0b};
const Instant t0 = Instant{} + 10s;

struct HeartbeatAppTest : ::testing::Test {
  HeartbeatAppTest() : node(config(), 1) {
    node.start(t0);
    node.restore_binding("bob", Ilv{B, kBob}, t0);
  }
  static NodeConfig config() {
    NodeConfig c;
    c.nid = kAlice;
    c.hostname = "alice";
    c.locator_cycle = {{A}};
    return c;
  }
  static HeartbeatSettings settings(std::string remote) {
    return {.me = "alice", .port = 5, .remote = std::move(remote), .remote_port = 7};
  }
  Node node;
  const std::string alice = "[alice/" + Ilv{A, kAlice}.to_string() + "]:5";
  const std::string bob = "[bob/" + Ilv{B, kBob}.to_string() + "]:7";
};

TEST_F(HeartbeatAppTest, SendsAtStartAndEverySecondAndPrintsWhatWasSent) {
  HeartbeatApp app(settings("bob"), node);
  AppRun run(app);
  app.start(t0, "W0");
  run.drain(t0);
  ASSERT_EQ(run.sends.size(), 1u);
  EXPECT_EQ(run.sends[0].text, "W0 | alice");
  EXPECT_EQ(app.next_wakeup(), t0 + 1s);
  ASSERT_EQ(run.lines.size(), 1u);
  EXPECT_EQ(run.lines[0], "W " + bob + " <- " + alice + " W0 | alice");

  app.on_wakeup(t0 + 1s, "W1");
  run.drain(t0 + 1s);
  ASSERT_EQ(run.sends.size(), 2u);
  EXPECT_EQ(run.sends[1].text, "W1 | alice");
  EXPECT_EQ(app.next_wakeup(), t0 + 2s);
}

TEST_F(HeartbeatAppTest, RefusedSendIsWarnedOnceAndTriedAgainNextSecond) {
  HeartbeatApp app(settings("bob"), node);
  AppRun run(app);
  run.refuse = 2;
  run.start(t0);
  run.run_until(t0 + 2s);
  EXPECT_EQ(run.sends.size(), 3u);
  EXPECT_EQ(run.warnings, std::vector<std::string>{"Network Exception: no route for 'bob'"});
  EXPECT_EQ(run.lines.size(), 1u);  // the third, accepted one
}

TEST_F(HeartbeatAppTest, ReceiverPrintsEachMessageWithTheSendersNameAndNeverWakes) {
  HeartbeatApp app(settings(""), node);
  AppRun run(app);
  run.start(t0);
  EXPECT_EQ(app.next_wakeup(), kNever);
  EXPECT_TRUE(run.sends.empty());
  auto text = wire::as_bytes("T | bob");
  Deliver d{.port = 5,
            .source = Ilv{B, kBob},
            .source_port = 7,
            .destination = Ilv{A, kAlice},
            .arrival = A,
            .data = wire::Buffer(text.begin(), text.end())};
  run.deliver(t0, d);
  d.source = Ilv{B, Nid{0x5}};
  run.deliver(t0, d);
  ASSERT_EQ(run.lines.size(), 2u);
  auto bob_via_a = "[bob/" + Ilv{B, kBob}.to_string() + "%" + A.to_string() + "]:7";
  EXPECT_EQ(run.lines[0], "W " + bob_via_a + " -> " + alice + " T | bob");
  EXPECT_EQ(run.lines[1].rfind("W [?/", 0), 0u) << run.lines[1];
}

}  // namespace
}  // namespace ilnp::apps
