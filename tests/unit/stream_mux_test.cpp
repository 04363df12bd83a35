// The stream gateway's in-stream protocol: message codecs, credit windows and
// stream id allocation (core/stream/mux), without usrsctp or sockets.
#include <gtest/gtest.h>

#include "ilnp/core/stream/mux.hpp"

namespace ilnp::stream::mux {
namespace {

wire::Buffer bytes(std::initializer_list<int> values) {
  wire::Buffer out;
  for (int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

TEST(StreamMux, ControlMessagesRoundTrip) {
  std::vector<Control> messages = {Open{7, "files"}, Credit{7, 0x0102030405060708ULL}, Fin{0xfffffffe},
                                   Reset{9, "cannot connect to 127.0.0.1:7000: Connection refused"}, Reset{1, ""}};
  for (const auto& m : messages) {
    auto decoded = decode(kind_of(m), encode(m));
    ASSERT_TRUE(std::holds_alternative<Control>(decoded)) << std::get<std::string>(decoded);
    EXPECT_EQ(std::get<Control>(decoded).index(), m.index());
  }
  auto credit = std::get<Credit>(std::get<Control>(decode(Kind::credit, encode(Credit{7, 42}))));
  EXPECT_EQ(credit.connection, 7u);
  EXPECT_EQ(credit.consumed, 42u);
  auto open = std::get<Open>(std::get<Control>(decode(Kind::open, encode(Open{3, "ssh"}))));
  EXPECT_EQ(open.service, "ssh");
}

TEST(StreamMux, WireLayoutIsBigEndian) {
  EXPECT_EQ(encode(Credit{0x01020304, 5}), bytes({1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 5}));
  EXPECT_EQ(encode(Open{1, "ab"}), bytes({0, 0, 0, 1, 'a', 'b'}));
  EXPECT_EQ(static_cast<std::uint32_t>(Kind::open), 0x494c5301u);
}

TEST(StreamMux, RefusesMalformedMessages) {
  EXPECT_TRUE(std::holds_alternative<std::string>(decode(Kind::fin, bytes({0, 0, 1}))));           // short id
  EXPECT_TRUE(std::holds_alternative<std::string>(decode(Kind::fin, bytes({0, 0, 0, 1, 9}))));     // trailing byte
  EXPECT_TRUE(std::holds_alternative<std::string>(decode(Kind::credit, bytes({0, 0, 0, 1, 0}))));  // short count
  EXPECT_TRUE(std::holds_alternative<std::string>(decode(Kind::open, bytes({0, 0, 0, 1}))));       // no name
  EXPECT_TRUE(std::holds_alternative<std::string>(decode(Kind::open, bytes({0, 0, 0, 1, 'a', ' ', 'b'}))));
  EXPECT_TRUE(std::holds_alternative<std::string>(decode(Kind::data, bytes({1, 2, 3}))));
  wire::Buffer huge(kMaxControlMessage + 1, std::byte{'x'});
  EXPECT_TRUE(std::holds_alternative<std::string>(decode(Kind::reset, huge)));
  EXPECT_FALSE(kind_of(0x494c5300u));
  EXPECT_FALSE(kind_of(0u));
  EXPECT_EQ(kind_of(0x494c5302u), Kind::data);
}

TEST(StreamMux, ServiceNames) {
  EXPECT_TRUE(valid_service_name("files"));
  EXPECT_TRUE(valid_service_name("ssh-2.alt_1"));
  EXPECT_FALSE(valid_service_name(""));
  EXPECT_FALSE(valid_service_name("a b"));
  EXPECT_FALSE(valid_service_name("caf\xc3\xa9"));
  EXPECT_FALSE(valid_service_name(std::string(kMaxServiceName + 1, 'a')));
  EXPECT_TRUE(valid_service_name(std::string(kMaxServiceName, 'a')));
}

TEST(StreamMux, SenderStopsAtTheWindowAndResumesOnCredit) {
  SendCredit s(100);
  EXPECT_EQ(s.available(), 100u);
  s.on_sent(60);
  s.on_sent(40);
  EXPECT_EQ(s.available(), 0u);
  EXPECT_TRUE(s.on_credit(30));
  EXPECT_EQ(s.available(), 30u);
  EXPECT_TRUE(s.on_credit(10));  // older than the last: changes nothing
  EXPECT_EQ(s.available(), 30u);
  EXPECT_FALSE(s.on_credit(101));  // more than was ever sent
}

TEST(StreamMux, ReceiverGrantsEveryQuarterWindowAndRefusesOverruns) {
  ReceiveCredit r(100);
  EXPECT_TRUE(r.on_data(100));
  EXPECT_FALSE(r.on_data(1));  // beyond the window
  r.on_consumed(24);
  EXPECT_FALSE(r.credit_due());  // less than a quarter
  r.on_consumed(1);
  EXPECT_EQ(r.credit_due(), 25u);
  EXPECT_FALSE(r.credit_due());  // said once
  EXPECT_EQ(r.buffered(), 75u);
  EXPECT_TRUE(r.on_data(25));  // the granted room
  EXPECT_FALSE(r.on_data(1));
}

TEST(StreamMux, SenderAndReceiverNeverDeadlock) {
  // Whatever the chunk sizes, a sender that respects the credit and a
  // receiver that consumes everything it gets finish the transfer.
  for (std::uint64_t window : {4u, 100u, 4096u}) {
    for (std::uint64_t chunk : {1u, 3u, 1000u}) {
      SendCredit s(window);
      ReceiveCredit r(window);
      std::uint64_t total = 10000, sent = 0;
      for (int rounds = 0; sent < total; ++rounds) {
        ASSERT_LT(rounds, 100000) << "window " << window << " chunk " << chunk;
        auto n = std::min({chunk, s.available(), total - sent});
        if (n > 0) {
          ASSERT_TRUE(r.on_data(n));
          s.on_sent(n);
          sent += n;
        }
        r.on_consumed(r.buffered());
        if (auto c = r.credit_due()) {
          ASSERT_TRUE(s.on_credit(*c));
        }
      }
    }
  }
}

TEST(StreamMux, StreamIdsSplitByParity) {
  StreamIds even(false, 6), odd(true, 6);
  std::vector<std::uint16_t> got;
  while (auto id = even.allocate()) got.push_back(*id);
  EXPECT_EQ(got, (std::vector<std::uint16_t>{0, 2, 4}));
  got.clear();
  while (auto id = odd.allocate()) got.push_back(*id);
  EXPECT_EQ(got, (std::vector<std::uint16_t>{1, 3, 5}));
  // The peer of the even end opens odd ids, and only free ones below the limit.
  EXPECT_TRUE(even.accept_peer(1));
  EXPECT_FALSE(even.accept_peer(1));
  EXPECT_FALSE(even.accept_peer(2));
  EXPECT_FALSE(even.accept_peer(7));
  even.release(2);
  EXPECT_EQ(even.allocate(), 2);
  EXPECT_FALSE(StreamIds(false, 0).allocate());
  EXPECT_FALSE(StreamIds(true, 1).allocate());
  EXPECT_EQ(StreamIds(false, 1).allocate(), 0);
}

TEST(StreamMux, FreedIdsAreReusedLast) {
  // Round robin: a just-freed id waits for the others, so a late message for
  // the old connection is unlikely to meet a new one (and is told apart by
  // its connection id if it does).
  StreamIds ids(false, 8);
  auto a = ids.allocate();
  ids.release(*a);
  auto b = ids.allocate();
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace ilnp::stream::mux
