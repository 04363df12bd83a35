// The experiment's logic without a clock or a socket: pacing, bursts, the
// stop datagrams, refused sends, the receiver's stop and the grace period.
#include <gtest/gtest.h>

#include "app_run.hpp"
#include "experiment_app.hpp"

namespace ilnp::apps {
namespace {

using namespace std::chrono_literals;
using test::AppRun;

constexpr std::size_t kSize = 1396;
const Instant t0 = Instant{} + 10s;

ExperimentSettings sender(std::optional<Duration> run_time, std::size_t burst = 1) {
  ExperimentSettings s;
  s.remote = "bob";
  s.run_time = run_time;
  s.wait = 10ms;
  s.max_burst = burst;
  return s;
}

// Sends for 20 ms (datagrams 1 and 2) and also receives from its peer.
ExperimentSettings sender_receiver() {
  auto s = sender(20ms);
  s.receives = true;
  return s;
}

ExperimentApp make(ExperimentSettings s) { return ExperimentApp(std::move(s), wire::Buffer(kSize)); }

Deliver datagram(std::uint64_t sequence, std::size_t size = kSize) {
  Deliver d;
  d.source = Ilv{Locator{0xb}, Nid{0xb0b}};
  d.arrival = Locator{0xa};
  d.data.resize(size);
  write_sequence(d.data, sequence);
  return d;
}

TEST(ExperimentApp, PacesFromTheFirstSendThenSendsThreeStopsAndStops) {
  auto app = make(sender(100ms));
  AppRun run(app);
  run.start(t0);
  run.run_until(t0 + 1s);
  // 1..10 at t0, t0 + 10 ms, ...; at t0 + 100 ms the run time is over.
  ASSERT_EQ(run.sends.size(), 13u);
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(run.sends[i].sequence, std::uint64_t{i} + 1);
    EXPECT_EQ(run.sends[i].size, kSize);
    EXPECT_EQ(run.sends[i].at, t0 + i * 10ms);
  }
  for (std::size_t i = 10; i < 13; ++i) {
    EXPECT_EQ(run.sends[i].sequence, 0u);
    EXPECT_EQ(run.sends[i].size, 8u);
    EXPECT_EQ(run.sends[i].at, t0 + 100ms);
  }
  EXPECT_EQ(run.stopped_at, t0 + 100ms);  // it does not receive: no grace
  EXPECT_EQ(app.stats().sent(), 10u);     // the stops are not data
  EXPECT_EQ(run.lines.front(), "W <- bob 1396 1");
  EXPECT_EQ(run.lines.back(), "W <- bob 8 0");
}

TEST(ExperimentApp, RealTimeBurstsCatchUpLateWakeupsUpToTheCap) {
  auto app = make(sender(std::nullopt, 32));
  AppRun run(app);
  run.start(t0);
  ASSERT_EQ(run.sends.size(), 1u);
  ASSERT_EQ(app.next_wakeup(), t0 + 10ms);
  run.wake(t0 + 50ms);  // 40 ms late: the 5 datagrams due since then
  EXPECT_EQ(run.sends.size(), 6u);
  EXPECT_EQ(run.sends.back().sequence, 6u);
  EXPECT_EQ(app.next_wakeup(), t0 + 60ms);
  run.wake(t0 + 2s);  // far behind: 32 at most, then skip ahead to now
  EXPECT_EQ(run.sends.size(), 38u);
  EXPECT_EQ(run.sends.back().sequence, 38u);
  EXPECT_EQ(app.next_wakeup(), t0 + 2s);
}

TEST(ExperimentApp, VirtualTimeSkipsAheadAfterAnOutageInsteadOfCatchingUp) {
  auto app = make(sender(std::nullopt, 1));
  AppRun run(app);
  run.start(t0);
  run.wake(t0 + 30ms);  // 20 ms behind: one now, the next at once
  EXPECT_EQ(run.sends.size(), 2u);
  EXPECT_EQ(app.next_wakeup(), t0 + 20ms);
  run.wake(t0 + 1s);  // more than 100 ms behind: pacing restarts from now
  EXPECT_EQ(app.next_wakeup(), t0 + 1s);
  run.wake(t0 + 1s);
  EXPECT_EQ(app.next_wakeup(), t0 + 1s + 10ms);
  EXPECT_EQ(run.sends.size(), 4u);
}

TEST(ExperimentApp, RefusedSendIsWarnedOnceAndRetriedSoon) {
  auto app = make(sender(50ms));
  AppRun run(app);
  run.refuse = 3;  // no route for the first three tries
  run.start(t0);
  EXPECT_EQ(app.next_wakeup(), t0 + ExperimentApp::kRetryRefused);
  run.run_until(t0 + 1s);
  ASSERT_EQ(run.warnings.size(), 1u);  // once per change of problem
  EXPECT_EQ(run.warnings[0], "Network Exception: no route for 'bob'");
  // Sequence 1 is tried again until accepted; pacing and run time start then.
  auto first = t0 + 3 * ExperimentApp::kRetryRefused;
  ASSERT_GE(run.sends.size(), 4u);
  EXPECT_EQ(run.sends[3].sequence, 1u);
  EXPECT_EQ(run.sends[3].at, first);
  EXPECT_EQ(run.sends[4].at, first + 10ms);
  EXPECT_EQ(app.stats().sent(), 5u);
  EXPECT_EQ(run.stopped_at, first + 50ms);
  EXPECT_EQ(std::count(run.lines.begin(), run.lines.end(), "W <- bob 1396 1"), 1);  // refused sends print nothing
}

TEST(ExperimentApp, ReceiverCountsAndStopsOnAnEightByteSequenceZero) {
  ExperimentSettings receiver;
  receiver.receives = true;
  auto app = make(receiver);
  AppRun run(app);
  run.start(t0);
  EXPECT_EQ(app.next_wakeup(), kNever);
  for (std::uint64_t s : {1, 2, 4}) run.deliver(t0 + s * 1s, datagram(s));
  run.deliver(t0 + 5s, datagram(0, kSize));  // not a stop: a stop is 8 bytes
  EXPECT_FALSE(run.stopped_at);
  run.deliver(t0 + 6s, datagram(0, 8));
  EXPECT_EQ(run.stopped_at, t0 + 6s);
  auto source = Ilv{Locator{0xb}, Nid{0xb0b}}.to_string();
  EXPECT_EQ(run.lines[0], "W -> " + source + "%" + Locator{0xa}.to_string() + " 1396 1");
  app.finish(t0 + 7s);
  run.drain(t0 + 7s);
  ASSERT_GE(run.lines.size(), 2u);
  EXPECT_EQ(run.lines[run.lines.size() - 2], "Total bytes: 4188");
  // From the first datagram to the last one counted (not the stop, not the end).
  auto json = run.lines.back();
  EXPECT_NE(json.find("\"received\": 3, \"lost\": 1"), std::string::npos) << json;
  EXPECT_NE(json.find("\"duration_s\": 3.000000"), std::string::npos) << json;
}

TEST(ExperimentApp, SenderThatReceivesWaitsForItsPeersStopThenGivesUp) {
  auto app = make(sender_receiver());
  AppRun run(app);
  run.start(t0);
  run.run_until(t0 + 20ms);
  EXPECT_FALSE(run.stopped_at);
  EXPECT_EQ(app.next_wakeup(), t0 + 20ms + ExperimentApp::kPeerStopGrace);
  run.wake(t0 + 1s);  // early: nothing
  EXPECT_FALSE(run.stopped_at);
  run.run_until(t0 + 10s);
  EXPECT_EQ(run.stopped_at, t0 + 20ms + ExperimentApp::kPeerStopGrace);
}

TEST(ExperimentApp, SenderThatReceivesStopsOnItsPeersStop) {
  auto during = make(sender_receiver());
  AppRun run(during);
  run.start(t0);
  run.run_until(t0 + 20ms);
  run.deliver(t0 + 500ms, datagram(0, 8));
  EXPECT_EQ(run.stopped_at, t0 + 500ms);

  auto before = make(sender_receiver());  // the peer finished first: stop right after the own stops
  AppRun early(before);
  early.start(t0);
  early.deliver(t0 + 5ms, datagram(0, 8));
  EXPECT_FALSE(early.stopped_at);
  early.run_until(t0 + 1s);
  EXPECT_EQ(early.stopped_at, t0 + 20ms);
}

TEST(ExperimentApp, RouterRunsForRunTimeThenStops) {
  ExperimentSettings router;
  router.run_time = 5s;
  auto app = make(router);
  AppRun run(app);
  run.start(t0);
  EXPECT_EQ(app.next_wakeup(), t0 + 5s);
  run.wake(t0 + 1s);
  EXPECT_FALSE(run.stopped_at);
  run.run_until(t0 + 10s);
  EXPECT_EQ(run.stopped_at, t0 + 5s);
  EXPECT_TRUE(run.sends.empty());
}

}  // namespace
}  // namespace ilnp::apps
