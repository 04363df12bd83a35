// The stream gateway's protocol with one peer (peer.hpp). Pieces come from
// the network: a control message longer than any valid one is refused
// before it is buffered.
#include "ilnp/core/stream/peer.hpp"

namespace ilnp::stream {

std::optional<PeerTarget> resolve(const proxy::Remote& remote, const Node& node, Instant now) {
  if (auto* hostname = std::get_if<std::string>(&remote.target)) {
    auto ilv = node.resolve(*hostname, now);
    return ilv ? std::optional(PeerTarget{ilv->nid, std::nullopt}) : std::nullopt;
  }
  if (auto* nid = std::get_if<Nid>(&remote.target)) return PeerTarget{*nid, std::nullopt};
  auto ilv = std::get<Ilv>(remote.target);
  return PeerTarget{ilv.nid, ilv};
}

void Peer::handle_up(std::uint16_t streams) {
  partial_.clear();
  up_ = true;
  // The end with the smaller NID opens even stream ids, the other odd ones.
  ids_ = mux::StreamIds(self_ > nid_, streams);
}

void Peer::handle_down() {
  partial_.clear();
  up_ = false;
}

void Peer::release(std::uint16_t stream) {
  ids_.release(stream);
  partial_.erase(stream);
}

Received Peer::handle_piece(std::uint16_t stream, std::uint32_t ppid, wire::Bytes data, bool end) {
  auto kind = mux::kind_of(ppid);
  if (!kind) return PieceError{"unknown PPID " + std::to_string(ppid) + " on stream " + std::to_string(stream)};
  if (*kind == mux::Kind::data) return DataPiece{stream, data};  // bytes are bytes: to TCP as they come
  auto& buffer = partial_[stream];
  if (buffer.size() + data.size() > mux::kMaxControlMessage) {
    partial_.erase(stream);
    return PieceError{std::string(mux::to_string(*kind)) + " message too long"};
  }
  buffer.insert(buffer.end(), data.begin(), data.end());
  if (!end) return std::monostate{};
  auto bytes = std::move(buffer);
  partial_.erase(stream);
  auto decoded = mux::decode(*kind, bytes);
  if (auto* why = std::get_if<std::string>(&decoded)) return PieceError{*why};
  return ControlMessage{stream, std::get<mux::Control>(decoded)};
}

std::optional<Ilv> Peer::path(const Node& node, Instant now) const {
  if (auto locator = node.locator_of(nid_, now)) return Ilv{*locator, nid_};
  return named_;
}

bool Peer::poll_heartbeat(Instant now) {
  if (!heartbeat_due_ || now - last_heartbeat_ < kHeartbeatSpacing) return false;
  heartbeat_due_ = false;
  if (!up_) return false;  // a new association finds the path itself
  last_heartbeat_ = now;
  return true;
}

Instant Peer::next_timeout() const { return heartbeat_due_ ? last_heartbeat_ + kHeartbeatSpacing : kNever; }

}  // namespace ilnp::stream
