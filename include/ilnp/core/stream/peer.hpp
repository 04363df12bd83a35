// The stream gateway's protocol with one peer (one SCTP association per
// NID): which peer a listener's remote names, whether the association is up,
// its stream ids, control messages arriving in pieces, the path to the peer
// (the node's one policy), the heartbeat a move asks for and how long an
// idle peer is kept. No usrsctp:
// the io gateway owns the association and feeds its events here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include "ilnp/core/node/node.hpp"
#include "ilnp/core/proxy/mapping_table.hpp"
#include "ilnp/core/stream/mux.hpp"
#include "ilnp/core/time.hpp"
#include "ilnp/core/types.hpp"

namespace ilnp::stream {

// What a piece of a received message is: DATA as it comes, a control
// message once whole, nothing yet, or why the peer is wrong.
struct DataPiece {
  std::uint16_t stream{0};
  wire::Bytes data;
};
struct ControlMessage {
  std::uint16_t stream{0};
  mux::Control message;
};
struct PieceError {
  std::string what;
};
using Received = std::variant<std::monostate, DataPiece, ControlMessage, PieceError>;

// The peer a listener's remote names now: its NID (a hostname through the
// node's names) and the locator it names, if any; nothing while unknown.
struct PeerTarget {
  Nid nid;
  std::optional<Ilv> where;
};
[[nodiscard]] std::optional<PeerTarget> resolve(const proxy::Remote& remote, const Node& node, Instant now);

class Peer {
 public:
  static constexpr Duration kHeartbeatSpacing = std::chrono::milliseconds(500);
  static constexpr Duration kIdleKept = std::chrono::seconds(120);

  Peer(Nid self, Nid nid) : self_(self), nid_(nid) {}

  [[nodiscard]] Nid nid() const { return nid_; }

  // ---- the association
  // Up with `streams` usable ids, or restarted (every stream on it is lost).
  void handle_up(std::uint16_t streams);
  // Ended, or started anew (not up until handle_up).
  void handle_down();
  [[nodiscard]] bool up() const { return up_; }
  [[nodiscard]] mux::StreamIds& ids() { return ids_; }
  [[nodiscard]] const mux::StreamIds& ids() const { return ids_; }
  // Frees a stream id whose ends were both said.
  void release(std::uint16_t stream);

  // ---- messages
  [[nodiscard]] Received handle_piece(std::uint16_t stream, std::uint32_t ppid, wire::Bytes data, bool end);

  // ---- where it is
  // A packet from the peer arrived.
  void handle_heard(Instant now) { last_heard_ = now; }
  // A listener named the peer's locator: used while the node knows none.
  void handle_named(Ilv where) { named_ = where; }
  // Where to send its packets now: the node's choice (locator updates, names,
  // where it sent from lately), else the locator a listener named.
  [[nodiscard]] std::optional<Ilv> path(const Node& node, Instant now) const;
  [[nodiscard]] Instant last_heard() const { return last_heard_; }
  [[nodiscard]] bool idle(Instant now) const { return now - last_heard_ > kIdleKept; }

  // ---- moves: this node's (Moved) or the peer's (PeerRelocated)
  // The path changed: confirm it with a heartbeat at once.
  void handle_moved() { heartbeat_due_ = true; }
  // True when a heartbeat is to be demanded now (at most one per spacing).
  [[nodiscard]] bool poll_heartbeat(Instant now);
  // When poll_heartbeat may next say yes; kNever when nothing is due.
  [[nodiscard]] Instant next_timeout() const;

 private:
  Nid self_;
  Nid nid_;
  bool up_{false};
  mux::StreamIds ids_;
  std::map<std::uint16_t, wire::Buffer> partial_;  // control messages arriving in pieces
  std::optional<Ilv> named_;
  Instant last_heard_{};
  bool heartbeat_due_{false};
  Instant last_heartbeat_{};
};

}  // namespace ilnp::stream
