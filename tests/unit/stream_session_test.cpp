// The stream gateway's protocol without usrsctp or sockets (core/stream): a
// connection's lifecycle in its Session (open, data, credit, FIN, reset,
// a peer restart) and the peer's side in Peer (pieces, a move mid-stream,
// the remote a listener names, the path the node chooses).
#include <gtest/gtest.h>

#include "ilnp/core/stream/peer.hpp"
#include "ilnp/core/stream/session.hpp"

namespace ilnp::stream {
namespace {

using namespace std::chrono_literals;
constexpr std::uint64_t kWindow = 100;
constexpr Instant t0{};

// Reads `n` bytes of `fill` from "TCP" into the session.
void read_from_tcp(Session& s, std::size_t n, std::byte fill = std::byte{'x'}) {
  ASSERT_GE(s.read_room(), n);
  auto into = s.read_buffer(n);
  std::fill(into.begin(), into.end(), fill);
  s.handle_tcp_read(n);
}

// Sends the next message as SCTP would, returning it decoded (DATA as its length).
struct Sent {
  mux::Kind kind;
  std::size_t length{0};
  std::optional<mux::Control> control;
};
std::optional<Sent> send_next(Session& s) {
  auto m = s.poll_message();
  if (!m) return std::nullopt;
  Sent out{m->kind, m->payload.size(), std::nullopt};
  if (m->kind != mux::Kind::data) out.control = std::get<mux::Control>(mux::decode(m->kind, m->payload));
  s.handle_sent(m->kind);
  return out;
}

std::vector<TcpAction> tcp_actions(Session& s) {
  std::vector<TcpAction> out;
  while (auto a = s.poll_tcp()) out.push_back(*a);
  return out;
}

// An outbound session whose OPEN has gone out on stream 4, connection 7.
Session opened_outbound() {
  auto s = Session::outbound(kWindow);
  s.handle_waiting();
  s.handle_stream_started(4, 7, "files");
  auto open = send_next(s);
  EXPECT_TRUE(open && open->kind == mux::Kind::open);
  return s;
}

TEST(StreamSession, OutboundResolvesWaitsThenOpensWithOpenFirst) {
  auto s = Session::outbound(kWindow);
  EXPECT_EQ(s.state(), "resolving the remote");
  EXPECT_EQ(s.read_room(), 0u);  // nothing is read before the stream exists
  EXPECT_EQ(s.handle_unresolved(t0, 5s), Session::Unresolved::asking);
  EXPECT_EQ(s.handle_unresolved(t0 + 4s, 5s), Session::Unresolved::still_asking);
  s.handle_waiting();
  EXPECT_EQ(s.state(), "waiting for the association");
  EXPECT_FALSE(s.poll_message());

  s.handle_stream_started(4, 7, "files");
  EXPECT_EQ(s.phase(), Phase::streaming);
  read_from_tcp(s, 10);
  auto open = send_next(s);
  ASSERT_TRUE(open);
  ASSERT_EQ(open->kind, mux::Kind::open);
  auto& o = std::get<mux::Open>(*open->control);
  EXPECT_EQ(o.connection, 7u);
  EXPECT_EQ(o.service, "files");
  auto data = send_next(s);
  ASSERT_TRUE(data);
  EXPECT_EQ(data->kind, mux::Kind::data);
  EXPECT_EQ(s.state(), "open");
  EXPECT_EQ(s.stream(), 4);
}

TEST(StreamSession, AnUnresolvedRemoteExpiresAtItsDeadline) {
  auto s = Session::outbound(kWindow);
  EXPECT_EQ(s.handle_unresolved(t0, 5s), Session::Unresolved::asking);
  EXPECT_EQ(s.handle_unresolved(t0 + 5s, 5s), Session::Unresolved::expired);
  s.abort("bob is unknown");
  EXPECT_EQ(tcp_actions(s), std::vector{TcpAction::abort});
  EXPECT_FALSE(s.poll_message());  // no stream: no RESET
  EXPECT_TRUE(s.poll_finished());
  EXPECT_FALSE(s.poll_finished());  // once
  EXPECT_EQ(s.error(), "bob is unknown");
}

TEST(StreamSession, SendingStopsAtTheWindowUntilACredit) {
  auto s = opened_outbound();
  EXPECT_EQ(s.read_room(), kWindow);
  read_from_tcp(s, 60);
  EXPECT_EQ(s.read_room(), 0u);  // one chunk at a time: SCTP has not taken it
  auto data = send_next(s);
  ASSERT_TRUE(data);
  EXPECT_EQ(data->kind, mux::Kind::data);
  EXPECT_EQ(data->length, 60u);
  EXPECT_EQ(s.bytes_out(), 60u);
  EXPECT_EQ(s.read_room(), 40u);
  read_from_tcp(s, 40);
  ASSERT_TRUE(send_next(s));
  EXPECT_EQ(s.read_room(), 0u);  // the window is spent
  EXPECT_FALSE(s.handle_credit(101));  // more than was sent: a broken peer
  EXPECT_TRUE(s.handle_credit(30));
  EXPECT_EQ(s.read_room(), 30u);
  EXPECT_TRUE(s.handle_credit(10));  // stale: changes nothing
  EXPECT_EQ(s.read_room(), 30u);
}

TEST(StreamSession, ReceivedDataIsWrittenThenCreditedAndBoundedByTheWindow) {
  auto s = Session::inbound(kWindow, 5, 9);
  EXPECT_EQ(s.state(), "connecting");
  EXPECT_EQ(s.pending_write(), nullptr);  // not connected yet: kept
  std::vector<std::byte> bytes(30, std::byte{'y'});
  EXPECT_EQ(s.handle_data(bytes), DataResult::accepted);
  s.handle_tcp_connected();
  EXPECT_EQ(s.state(), "open");
  const auto* write = s.pending_write();
  ASSERT_NE(write, nullptr);
  EXPECT_EQ(write->size(), 30u);
  EXPECT_TRUE(s.handle_tcp_written(30));  // a quarter window consumed: CREDIT due
  auto credit = send_next(s);
  ASSERT_TRUE(credit);
  ASSERT_EQ(credit->kind, mux::Kind::credit);
  EXPECT_EQ(std::get<mux::Credit>(*credit->control).consumed, 30u);
  EXPECT_EQ(std::get<mux::Credit>(*credit->control).connection, 9u);
  EXPECT_EQ(s.bytes_in(), 30u);
  // Granted up to 30 + 100: one byte more is beyond it.
  std::vector<std::byte> full(100, std::byte{'z'});
  EXPECT_EQ(s.handle_data(full), DataResult::accepted);
  std::vector<std::byte> one(1, std::byte{'z'});
  EXPECT_EQ(s.handle_data(one), DataResult::beyond_credit);
}

TEST(StreamSession, FinBothWaysShutsWritesAfterTheDataThenClosesAndFreesTheId) {
  auto s = opened_outbound();
  read_from_tcp(s, 20);
  s.handle_tcp_eof();
  EXPECT_EQ(s.read_room(), 0u);
  auto data = send_next(s);
  ASSERT_TRUE(data && data->kind == mux::Kind::data);  // the data read before the EOF goes first
  auto fin = send_next(s);
  ASSERT_TRUE(fin && fin->kind == mux::Kind::fin);
  EXPECT_EQ(s.state(), "fin sent");
  EXPECT_FALSE(s.poll_release());  // the peer's end is still to come

  std::vector<std::byte> answer(8, std::byte{'a'});
  EXPECT_EQ(s.handle_data(answer), DataResult::accepted);
  EXPECT_EQ(s.handle_fin(), EndResult::accepted);
  EXPECT_EQ(s.state(), "closing");
  EXPECT_EQ(s.handle_data(answer), DataResult::after_end);
  EXPECT_EQ(s.handle_fin(), EndResult::second_end);
  ASSERT_NE(s.pending_write(), nullptr);
  EXPECT_TRUE(tcp_actions(s).empty());  // not shut before the data is written
  s.handle_tcp_written(8);
  EXPECT_EQ(s.pending_write(), nullptr);
  EXPECT_EQ(tcp_actions(s), (std::vector{TcpAction::shutdown_send, TcpAction::close}));
  EXPECT_EQ(s.poll_release(), 4);
  EXPECT_FALSE(s.poll_release());
  EXPECT_TRUE(s.poll_finished());
  EXPECT_EQ(s.state(), "closed");
  EXPECT_TRUE(s.error().empty());
}

TEST(StreamSession, APeerResetAbortsTcpAndIsAnsweredWithAReset) {
  auto s = opened_outbound();
  std::vector<std::byte> bytes(10, std::byte{'b'});
  EXPECT_EQ(s.handle_data(bytes), DataResult::accepted);
  EXPECT_EQ(s.handle_reset("reset by bob: gone"), EndResult::accepted);
  EXPECT_EQ(s.state(), "resetting");
  EXPECT_EQ(tcp_actions(s), std::vector{TcpAction::abort});
  EXPECT_EQ(s.pending_write(), nullptr);  // what was not written is dropped
  auto reset = send_next(s);
  ASSERT_TRUE(reset && reset->kind == mux::Kind::reset);
  EXPECT_EQ(std::get<mux::Reset>(*reset->control).reason, "reset acknowledged");
  EXPECT_FALSE(send_next(s));
  EXPECT_EQ(s.handle_reset("again"), EndResult::second_end);
  EXPECT_EQ(s.poll_release(), 4);
  EXPECT_TRUE(s.poll_finished());
  EXPECT_EQ(s.error(), "reset by bob: gone");
}

TEST(StreamSession, ALocalAbortResetsAndWaitsForThePeersEnd) {
  auto s = opened_outbound();
  read_from_tcp(s, 10);
  s.abort("TCP read: connection reset");
  EXPECT_EQ(tcp_actions(s), std::vector{TcpAction::abort});
  auto reset = send_next(s);  // instead of the chunk read
  ASSERT_TRUE(reset && reset->kind == mux::Kind::reset);
  EXPECT_EQ(std::get<mux::Reset>(*reset->control).reason, "TCP read: connection reset");
  EXPECT_FALSE(send_next(s));
  std::vector<std::byte> late(5, std::byte{'l'});
  EXPECT_EQ(s.handle_data(late), DataResult::dropped);
  EXPECT_FALSE(s.poll_release());
  EXPECT_FALSE(s.poll_finished());  // the id is not free before the peer's end
  EXPECT_EQ(s.handle_reset("reset by bob: reset acknowledged"), EndResult::accepted);
  EXPECT_FALSE(send_next(s));  // ours is said already
  EXPECT_EQ(s.poll_release(), 4);
  EXPECT_TRUE(s.poll_finished());
  EXPECT_EQ(s.error(), "TCP read: connection reset");
}

TEST(StreamSession, ARefusedOpenIsResetWithTheReasonAndNeverConnects) {
  auto s = Session::inbound(kWindow, 5, 9);
  s.refuse("no service 'x' on bob");
  EXPECT_TRUE(s.refused());
  EXPECT_TRUE(tcp_actions(s).empty());  // there is no socket to abort
  auto reset = send_next(s);
  ASSERT_TRUE(reset && reset->kind == mux::Kind::reset);
  EXPECT_EQ(std::get<mux::Reset>(*reset->control).reason, "no service 'x' on bob");
  EXPECT_EQ(std::get<mux::Reset>(*reset->control).connection, 9u);
}

TEST(StreamSession, APeerRestartLosesTheStreamWithoutAReset) {
  auto s = opened_outbound();
  read_from_tcp(s, 10);
  s.handle_stream_lost();
  s.abort("the peer restarted the association");
  EXPECT_EQ(tcp_actions(s), std::vector{TcpAction::abort});
  EXPECT_FALSE(s.poll_message());  // the stream went with the association
  EXPECT_FALSE(s.poll_release());  // its id too
  EXPECT_TRUE(s.poll_finished());
  EXPECT_EQ(s.error(), "the peer restarted the association");
}

constexpr Nid kSmall{0x1}, kLarge{0x2};

TEST(StreamPeer, StreamIdsAreSplitByNidParity) {
  Peer small(kSmall, kLarge), large(kLarge, kSmall);
  small.handle_up(8);
  large.handle_up(8);
  EXPECT_EQ(small.ids().allocate(), 0);
  EXPECT_EQ(large.ids().allocate(), 1);
  EXPECT_TRUE(small.ids().accept_peer(1));
  EXPECT_FALSE(small.ids().accept_peer(2));
}

TEST(StreamPeer, ControlMessagesAreAssembledAndARestartDropsTheHalves) {
  Peer p(kSmall, kLarge);
  p.handle_up(8);
  auto credit = mux::encode(mux::Credit{3, 42});
  auto ppid = static_cast<std::uint32_t>(mux::Kind::credit);
  wire::Bytes bytes(credit);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(p.handle_piece(1, ppid, bytes.first(6), false)));
  auto whole = p.handle_piece(1, ppid, bytes.subspan(6), true);
  ASSERT_TRUE(std::holds_alternative<ControlMessage>(whole));
  EXPECT_EQ(std::get<mux::Credit>(std::get<ControlMessage>(whole).message).consumed, 42u);

  EXPECT_TRUE(std::holds_alternative<std::monostate>(p.handle_piece(1, ppid, bytes.first(6), false)));
  p.handle_up(8);  // restarted: the first half is gone with the old association
  EXPECT_TRUE(std::holds_alternative<PieceError>(p.handle_piece(1, ppid, bytes.subspan(6), true)));

  auto data = p.handle_piece(3, static_cast<std::uint32_t>(mux::Kind::data), bytes.first(2), false);
  EXPECT_TRUE(std::holds_alternative<DataPiece>(data));  // bytes go to TCP as they come
  EXPECT_TRUE(std::holds_alternative<PieceError>(p.handle_piece(3, 0x1234, bytes, true)));
  std::vector<std::byte> huge(mux::kMaxControlMessage + 1);
  EXPECT_TRUE(std::holds_alternative<PieceError>(p.handle_piece(5, ppid, huge, false)));
}

TEST(StreamPeer, AMoveMidStreamAsksForOneHeartbeatPerSpacingWhileDataFlows) {
  Peer p(kSmall, kLarge);
  auto s = opened_outbound();
  p.handle_moved();
  EXPECT_FALSE(p.poll_heartbeat(t0 + 1s));  // not up: a new association finds its path itself
  p.handle_up(8);
  read_from_tcp(s, 50);
  p.handle_moved();
  EXPECT_EQ(p.next_timeout(), t0 + Peer::kHeartbeatSpacing);  // due now (the last was long ago)
  EXPECT_TRUE(p.poll_heartbeat(t0 + 1s));
  EXPECT_EQ(p.next_timeout(), kNever);
  p.handle_moved();  // moved again at once
  EXPECT_FALSE(p.poll_heartbeat(t0 + 1s + 100ms));
  EXPECT_EQ(p.next_timeout(), t0 + 1s + Peer::kHeartbeatSpacing);
  EXPECT_TRUE(p.poll_heartbeat(t0 + 1s + Peer::kHeartbeatSpacing));
  // The stream carries on across the moves.
  auto data = send_next(s);
  ASSERT_TRUE(data && data->kind == mux::Kind::data);
  EXPECT_EQ(s.state(), "open");
  EXPECT_EQ(s.read_room(), kWindow - 50);
}

// Which peer a remote names, and the path to it: the node's names, then its
// locator update.
TEST(StreamPeer, RemotesResolveAndThePathFollowsTheNodesNamesAndLocatorUpdates) {
  constexpr Locator A{0xa}, C{0xc}, D{0xd};
  constexpr Nid kMe{0xffff00000000000dULL}, kAlice{0xffff00000000000aULL};
  NodeConfig config;
  config.nid = kMe;
  config.hostname = "me";
  config.locator_cycle = {{A, C}};
  Node node(config, 1);
  node.start(t0);
  Peer alice(kMe, kAlice);
  EXPECT_FALSE(alice.path(node, t0));
  alice.handle_named(Ilv{D, kAlice});  // a listener named her ILV
  EXPECT_EQ(alice.path(node, t0), (Ilv{D, kAlice}));

  auto send = [&](Instant t, wire::NextHeader nh, wire::Bytes payload) {
    wire::Header h;
    h.source = Ilv{A, kAlice};
    h.destination = nh == wire::NextHeader::discovery ? Ilv{kAllNodes, Nid{0}} : Ilv{A, kMe};
    h.next_header = static_cast<std::uint8_t>(nh);
    h.hop_limit = 3;
    node.handle_datagram(t, A, wire::encode_packet(h, payload));
  };
  EXPECT_FALSE(resolve(proxy::Remote{std::string("alice")}, node, t0));  // not discovered yet
  auto by_nid = resolve(proxy::Remote{kAlice}, node, t0);
  ASSERT_TRUE(by_nid);
  EXPECT_EQ(by_nid->nid, kAlice);
  EXPECT_FALSE(by_nid->where);
  auto by_ilv = resolve(proxy::Remote{Ilv{D, kAlice}}, node, t0);
  ASSERT_TRUE(by_ilv);
  EXPECT_EQ(by_ilv->where, (Ilv{D, kAlice}));

  send(t0 + 1s, wire::NextHeader::discovery, wire::encode_discovery({kAlice, A, false, "alice"}));
  auto by_name = resolve(proxy::Remote{std::string("alice")}, node, t0 + 1s);
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->nid, kAlice);
  EXPECT_EQ(alice.path(node, t0 + 1s), (Ilv{A, kAlice}));
  send(t0 + 2s, wire::NextHeader::locator_update, wire::encode_locator_update({false, {C}}));
  EXPECT_EQ(alice.path(node, t0 + 2s), (Ilv{C, kAlice}));
}

}  // namespace
}  // namespace ilnp::stream
