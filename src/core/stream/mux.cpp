// The stream mux's codecs, credit windows and stream id allocation (mux.hpp).
// Decoders check every length before reading and return a reason, never throw:
// these bytes come from the network.
#include "ilnp/core/stream/mux.hpp"

#include <algorithm>

namespace ilnp::stream::mux {

std::optional<Kind> kind_of(std::uint32_t ppid) {
  switch (static_cast<Kind>(ppid)) {
    case Kind::open:
    case Kind::data:
    case Kind::credit:
    case Kind::fin:
    case Kind::reset:
      return static_cast<Kind>(ppid);
  }
  return std::nullopt;
}

Kind kind_of(const Control& message) {
  struct {
    Kind operator()(const Open&) const { return Kind::open; }
    Kind operator()(const Credit&) const { return Kind::credit; }
    Kind operator()(const Fin&) const { return Kind::fin; }
    Kind operator()(const Reset&) const { return Kind::reset; }
  } visitor;
  return std::visit(visitor, message);
}

std::string_view to_string(Kind kind) {
  switch (kind) {
    case Kind::open:
      return "OPEN";
    case Kind::data:
      return "DATA";
    case Kind::credit:
      return "CREDIT";
    case Kind::fin:
      return "FIN";
    case Kind::reset:
      return "RESET";
  }
  return "?";
}

bool valid_service_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxServiceName) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

wire::Buffer encode(const Control& message) {
  wire::Buffer out;
  wire::ByteWriter w(out);
  std::visit(
      [&w](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        w.u32(m.connection);
        if constexpr (std::is_same_v<T, Open>) w.text(m.service);
        if constexpr (std::is_same_v<T, Credit>) w.u64(m.consumed);
        if constexpr (std::is_same_v<T, Reset>) w.text(std::string_view(m.reason).substr(0, kMaxReason));
      },
      message);
  return out;
}

std::variant<Control, std::string> decode(Kind kind, wire::Bytes payload) {
  if (kind == Kind::data) return std::string("DATA is not a control message");
  if (payload.size() > kMaxControlMessage) return std::string(to_string(kind)) + " longer than any control message";
  wire::ByteReader r(payload);
  auto connection = r.u32();
  if (!connection) return std::string(to_string(kind)) + " shorter than its connection id";
  switch (kind) {
    case Kind::open: {
      std::string service(wire::as_text(r.rest()));
      if (!valid_service_name(service)) return std::string("OPEN with an invalid service name");
      return Control{Open{*connection, std::move(service)}};
    }
    case Kind::credit: {
      auto consumed = r.u64();
      if (!consumed || r.remaining() != 0) return std::string("CREDIT is not 12 bytes");
      return Control{Credit{*connection, *consumed}};
    }
    case Kind::fin:
      if (r.remaining() != 0) return std::string("FIN is not 4 bytes");
      return Control{Fin{*connection}};
    case Kind::reset: {
      auto reason = r.rest();
      if (reason.size() > kMaxReason) return std::string("RESET reason too long");
      return Control{Reset{*connection, std::string(wire::as_text(reason))}};
    }
    case Kind::data:
      break;
  }
  return std::string("unknown message");
}

bool SendCredit::on_credit(std::uint64_t consumed) {
  if (consumed > sent_) return false;
  consumed_ = std::max(consumed_, consumed);  // SCTP keeps them in order; a stale one changes nothing
  return true;
}

bool ReceiveCredit::on_data(std::uint64_t n) {
  if (received_ + n > granted_ + window_) return false;
  received_ += n;
  return true;
}

std::optional<std::uint64_t> ReceiveCredit::credit_due() {
  if (consumed_ - granted_ < std::max<std::uint64_t>(window_ / 4, 1)) return std::nullopt;
  granted_ = consumed_;
  return consumed_;
}

std::optional<std::uint16_t> StreamIds::allocate() {
  // Ids of our parity below the limit: (limit + 1 - parity) / 2 of them.
  std::uint32_t ours = (static_cast<std::uint32_t>(limit_) + (odd_ ? 0u : 1u)) / 2;
  for (std::uint32_t tried = 0; tried < ours; ++tried) {
    auto id = static_cast<std::uint16_t>(next_ * 2u + (odd_ ? 1u : 0u));
    next_ = static_cast<std::uint16_t>((next_ + 1u) % ours);
    if (used_.insert(id).second) return id;
  }
  return std::nullopt;
}

bool StreamIds::accept_peer(std::uint16_t id) {
  if (id >= limit_ || (id % 2 == 1) == odd_) return false;
  return used_.insert(id).second;
}

}  // namespace ilnp::stream::mux
