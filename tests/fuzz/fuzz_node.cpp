// Fuzz target that drives one Node as the io and sim drivers do: feed one
// input, drain every action, fire the timers that fall due. The node is a
// router joined to three locators with two ports bound; node_setup.hpp has
// the input format. Every action is checked against the core contract
// (docs/ARCHITECTURE.md) and the forwarding rules (proto/README.md section 8).
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string_view>
#include <variant>

#include "fuzz_check.hpp"
#include "ilnp/core/node/node.hpp"
#include "node_setup.hpp"

namespace {

using namespace ilnp;

constexpr std::uint64_t kRngSeed = 1;
// A driver re-arms its timer at next_timeout(): if handle_timeout(now) leaves
// it at or before now, the timer fires again at once. A few rounds at one
// instant are harmless; more means the driver would spin.
constexpr int kMaxTimeoutsAtOneInstant = 4;
// Bounds the work of one record (a 65 s delta holds ~65 one-second refreshes).
constexpr int kMaxTimeoutsPerRecord = 256;

// Big-endian fields over fuzz bytes; bytes past the end read as zero.
class Cursor {
 public:
  explicit Cursor(wire::Bytes bytes) : bytes_(bytes) {}
  [[nodiscard]] std::size_t remaining() const { return bytes_.size() - pos_; }
  std::uint64_t number(std::size_t width) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < width; ++i) {
      value <<= 8;
      if (pos_ < bytes_.size()) value |= std::to_integer<std::uint8_t>(bytes_[pos_++]);
    }
    return value;
  }
  wire::Bytes take(std::size_t n) {
    n = std::min(n, remaining());
    auto out = bytes_.subspan(pos_, n);
    pos_ += n;
    return out;
  }

 private:
  wire::Bytes bytes_;
  std::size_t pos_{0};
};

// The input whose actions are being drained.
struct Step {
  enum class Kind { start, timeout, datagram, send } kind;
  // datagram
  Locator arrival{};
  wire::Bytes datagram{};
  std::optional<wire::Header> header{};  // when the datagram decodes
  // send
  Ilv destination{};
  Port destination_port{0};
  wire::Bytes data{};
  SendStatus status{SendStatus::sent};
};

NodeConfig router_config() {
  NodeConfig c;
  c.nid = fuzz::kRouterNid;
  c.hostname = "router";
  c.locator_cycle = {{fuzz::kArrivals.begin(), fuzz::kArrivals.begin() + fuzz::kJoinedCount}};
  return c;
}

// Every log line is formatted (those paths run too) and thrown away.
Logger discarding_logger() {
  Logger::Thresholds all{};
  all.fill(Level::debug);
  return Logger([](Layer, Level, std::string_view line) { ILNP_FUZZ_CHECK(!line.empty()); }, all);
}

bool is_bound(Port port) { return std::ranges::find(fuzz::kBoundPorts, port) != fuzz::kBoundPorts.end(); }

class Harness {
 public:
  Harness() : node_(router_config(), kRngSeed, discarding_logger()) {
    node_.start(now_);
    for (auto port : fuzz::kBoundPorts) node_.bind(port);
    drain(Step{Step::Kind::start});
    ILNP_FUZZ_CHECK(joined_.size() == fuzz::kJoinedCount);
  }

  // Lets `delta` pass, firing the timers that fall due on the way.
  void advance(Duration delta, bool late_timers) {
    const Instant target = now_ + delta;
    if (late_timers) {
      if (node_.next_timeout() <= target) fire_timers_at(target);
    } else {
      for (int n = 0; n < kMaxTimeoutsPerRecord && node_.next_timeout() <= target; ++n)
        fire_timers_at(std::max(now_, node_.next_timeout()));
    }
    set_now(target);
  }

  void datagram(Locator arrival, wire::Bytes bytes) {
    Step step{Step::Kind::datagram, arrival, bytes};
    if (auto h = wire::decode_header(bytes, node_.config().buffer_size); h.ok()) step.header = h.value();
    node_.handle_datagram(now_, arrival, bytes);
    drain(step);
  }

  void send(Ilv destination, Port destination_port, wire::Bytes data) {
    Step step{Step::Kind::send};
    step.destination = destination;
    step.destination_port = destination_port;
    step.data = data;
    step.status = node_.send_to(now_, fuzz::kSendSourcePort, destination, destination_port, data);
    drain(step);
  }

 private:
  // Time never goes backwards (the core contract).
  void set_now(Instant t) {
    ILNP_FUZZ_CHECK(t >= now_);
    now_ = t;
  }

  void fire_timers_at(Instant t) {
    set_now(t);
    for (int round = 1;; ++round) {
      node_.handle_timeout(now_);
      drain(Step{Step::Kind::timeout});
      if (node_.next_timeout() > now_) return;
      if (round >= kMaxTimeoutsAtOneInstant)
        fuzz::fail("handle_timeout(now) keeps next_timeout() <= now: a driver would spin", __FILE__, __LINE__);
    }
  }

  void drain(const Step& step) {
    std::size_t actions = 0, transmits = 0, transmitted_bytes = 0, delivers = 0;
    while (auto action = node_.poll_action()) {
      ++actions;
      if (auto* t = std::get_if<Transmit>(&*action)) {
        ++transmits;
        transmitted_bytes += t->bytes.size();
        check_transmit(*t, step);
      } else if (auto* f = std::get_if<Forward>(&*action)) {
        ++transmits;
        transmitted_bytes += f->datagram.size();
        check_forward(*f, step);
      } else if (auto* d = std::get_if<Deliver>(&*action)) {
        ++delivers;
        check_deliver(*d, step);
      } else if (auto* j = std::get_if<Join>(&*action)) {
        ILNP_FUZZ_CHECK(joined_.insert(j->link).second);  // never joins twice
      } else if (auto* l = std::get_if<Leave>(&*action)) {
        ILNP_FUZZ_CHECK(joined_.erase(l->link) == 1);  // only leaves what it joined
      }
    }

    // The counters agree with the actions.
    const Stats& now = node_.stats();
    const bool is_datagram = step.kind == Step::Kind::datagram;
    ILNP_FUZZ_CHECK(now.datagrams_out - seen_.datagrams_out == transmits);
    ILNP_FUZZ_CHECK(now.bytes_out - seen_.bytes_out == transmitted_bytes);
    ILNP_FUZZ_CHECK(now.delivered - seen_.delivered == delivers);
    ILNP_FUZZ_CHECK(now.datagrams_in - seen_.datagrams_in == (is_datagram ? 1u : 0u));
    ILNP_FUZZ_CHECK(now.bytes_in - seen_.bytes_in == (is_datagram ? step.datagram.size() : 0u));
    seen_ = now;

    if (is_datagram) {
      ILNP_FUZZ_CHECK(delivers <= 1);
      // Section 8: datagrams that must change nothing visible.
      const auto& h = step.header;
      bool undecodable = !h;                                                                   // 8.1
      bool own_echo = h && h->source.nid == fuzz::kRouterNid && h->destination.nid != fuzz::kRouterNid;  // 8.2
      // 8.3, except locator updates and acks for our NID (an ack comes back over the old link).
      bool update_for_us = h && h->destination.nid == fuzz::kRouterNid &&
                           (h->next_header == static_cast<std::uint8_t>(wire::NextHeader::locator_update) ||
                            h->next_header == static_cast<std::uint8_t>(wire::NextHeader::secure_locator_update));
      bool off_link = h && !joined_.contains(step.arrival) && h->destination.locator != step.arrival && !update_for_us;
      if (undecodable || own_echo || off_link) ILNP_FUZZ_CHECK(actions == 0);
    }
    if (step.kind == Step::Kind::send) ILNP_FUZZ_CHECK(transmits == (step.status == SendStatus::sent ? 1u : 0u));
  }

  void check_transmit(const Transmit& t, const Step& step) {
    // Sends only on a group it joined, or answers on the link a datagram came
    // from: index 3 stands for a link being left, where an ack still goes
    // (section 5: "out on the locator the update arrived on").
    bool answering = step.kind == Step::Kind::datagram && t.link == step.arrival;
    ILNP_FUZZ_CHECK(joined_.contains(t.link) || answering);
    auto h = wire::decode_header(t.bytes, node_.config().buffer_size);  // also: fits buffer_size
    ILNP_FUZZ_CHECK(h.ok());
    if (h->source.nid == fuzz::kRouterNid)
      check_originated(t, *h, step);
    else
      check_relayed(t, *h, step);
  }

  void check_originated(const Transmit& t, const wire::Header& h, const Step& step) {
    ILNP_FUZZ_CHECK(h.hop_limit == node_.config().hop_limit);
    ILNP_FUZZ_CHECK(h.source.locator == t.link);  // section 3: the locator it is first sent on
    auto payload = wire::Bytes(t.bytes).subspan(wire::kHeaderSize);
    switch (static_cast<wire::NextHeader>(h.next_header)) {
      case wire::NextHeader::discovery: {
        auto d = wire::decode_discovery(payload);
        ILNP_FUZZ_CHECK(d.ok());
        ILNP_FUZZ_CHECK(d->nid == fuzz::kRouterNid && d->hostname == node_.config().hostname);
        ILNP_FUZZ_CHECK((h.destination == Ilv{kAllNodes, Nid{0}}));  // section 4
        return;
      }
      case wire::NextHeader::locator_update: {
        auto u = wire::decode_locator_update(payload);
        ILNP_FUZZ_CHECK(u.ok());
        if (u->is_ack) {
          // Section 5: to (first new locator, sender NID), out on the arrival link.
          ILNP_FUZZ_CHECK(step.kind == Step::Kind::datagram && step.header);
          auto update = wire::decode_locator_update(step.datagram.subspan(wire::kHeaderSize));
          ILNP_FUZZ_CHECK(update.ok() && !update->is_ack);
          ILNP_FUZZ_CHECK((h.destination == Ilv{update->locators.front(), step.header->source.nid}));
          ILNP_FUZZ_CHECK(t.link == step.arrival);
        }
        return;
      }
      case wire::NextHeader::transport: {
        // Only the application originates data, and it goes out as given.
        ILNP_FUZZ_CHECK(step.kind == Step::Kind::send && step.status == SendStatus::sent);
        auto s = wire::decode_transport(payload);
        ILNP_FUZZ_CHECK(s.ok());
        ILNP_FUZZ_CHECK(s->source_port == fuzz::kSendSourcePort && s->destination_port == step.destination_port);
        ILNP_FUZZ_CHECK(std::ranges::equal(s->data, step.data));
        ILNP_FUZZ_CHECK(h.destination.nid == step.destination.nid);
        return;
      }
    }
    fuzz::fail("originated a packet with an unknown next header", __FILE__, __LINE__);
  }

  // Forwarded: the received datagram itself (a view, not a copy), to go out
  // on another joined link with its hop limit one lower.
  void check_forward(const Forward& f, const Step& step) {
    ILNP_FUZZ_CHECK(step.kind == Step::Kind::datagram && step.header);
    ILNP_FUZZ_CHECK(f.datagram.data() == step.datagram.data() && f.datagram.size() == step.datagram.size());
    ILNP_FUZZ_CHECK(joined_.contains(f.link) && f.link != step.arrival);
    ILNP_FUZZ_CHECK(step.header->source.nid != fuzz::kRouterNid);
    ILNP_FUZZ_CHECK(step.header->hop_limit > 0 && f.hop_limit == step.header->hop_limit - 1);
  }

  // Re-flooded: a copy of the received datagram, hop limit one lower.
  void check_relayed(const Transmit& t, const wire::Header& h, const Step& step) {
    ILNP_FUZZ_CHECK(step.kind == Step::Kind::datagram);
    ILNP_FUZZ_CHECK(t.link != step.arrival);  // never back onto the link it came from
    const auto& in = step.datagram;
    ILNP_FUZZ_CHECK(t.bytes.size() == in.size());
    auto hop_in = std::to_integer<std::uint8_t>(in[wire::kHopLimitOffset]);
    ILNP_FUZZ_CHECK(hop_in > 0 && h.hop_limit == hop_in - 1);
    auto hop = static_cast<std::ptrdiff_t>(wire::kHopLimitOffset);
    ILNP_FUZZ_CHECK(std::equal(in.begin(), in.begin() + hop, t.bytes.begin()));
    ILNP_FUZZ_CHECK(std::equal(in.begin() + hop + 1, in.end(), t.bytes.begin() + hop + 1));
  }

  // Section 8.6: transport for us (or all nodes), to a bound port, as received.
  void check_deliver(const Deliver& d, const Step& step) {
    ILNP_FUZZ_CHECK(step.kind == Step::Kind::datagram && step.header);
    const auto& h = *step.header;
    ILNP_FUZZ_CHECK(h.next_header == static_cast<std::uint8_t>(wire::NextHeader::transport));
    ILNP_FUZZ_CHECK(h.source.nid != fuzz::kRouterNid);
    ILNP_FUZZ_CHECK(h.destination.nid == fuzz::kRouterNid || h.destination.locator == kAllNodes);
    auto s = wire::decode_transport(step.datagram.subspan(wire::kHeaderSize));
    ILNP_FUZZ_CHECK(s.ok());
    ILNP_FUZZ_CHECK(is_bound(d.port) && d.port == s->destination_port && d.source_port == s->source_port);
    ILNP_FUZZ_CHECK(std::ranges::equal(d.data, s->data));
    ILNP_FUZZ_CHECK(d.source == h.source && d.destination == h.destination && d.arrival == step.arrival);
  }

  Node node_;
  Instant now_{};
  std::set<Locator> joined_;  // from the Join and Leave actions, as a driver keeps it
  Stats seen_{};              // the counters as of the last drain
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Cursor input(wire::Bytes(reinterpret_cast<const std::byte*>(data), size));
  Harness harness;
  for (std::size_t n = 0; n < fuzz::kMaxRecords && input.remaining() >= fuzz::kRecordHeaderSize; ++n) {
    auto delta = std::chrono::milliseconds(static_cast<std::int64_t>(input.number(2)));
    auto control = static_cast<std::uint8_t>(input.number(1));
    auto body = input.take(static_cast<std::size_t>(input.number(2)));
    harness.advance(delta, (control & fuzz::kLateTimersFlag) != 0);
    if (control & fuzz::kSendFlag) {
      Cursor fields(body);
      Ilv destination{Locator{fields.number(8)}, Nid{fields.number(8)}};
      auto port = static_cast<Port>(fields.number(2));
      harness.send(destination, port, fields.take(fields.remaining()));
    } else {
      harness.datagram(fuzz::kArrivals[control & fuzz::kArrivalMask], body);
    }
  }
  return 0;
}
