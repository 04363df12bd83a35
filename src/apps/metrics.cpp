// Metric names follow Prometheus conventions: ilnp_ prefix, _total for
// counters, base units (seconds, bytes).
#include "metrics.hpp"

#include <cstdio>
#include <sstream>

#include "ilnp/io/atomic_file.hpp"
#include "ilnp/io/clock.hpp"
#include "state_service.hpp"

namespace ilnp::apps {

namespace {
class Writer {
 public:
  void metric(const char* name, const char* type, const char* help) {
    out_ << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
  }
  void sample(const std::string& name, std::uint64_t value, const std::string& labels = {}) {
    out_ << name << (labels.empty() ? "" : "{" + labels + "}") << " " << value << "\n";
  }
  void sample(const std::string& name, double value, const std::string& labels = {}) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.9g", value);
    out_ << name << (labels.empty() ? "" : "{" + labels + "}") << " " << buf << "\n";
  }
  [[nodiscard]] std::string str() const { return out_.str(); }

 private:
  std::ostringstream out_;
};

std::string label_value(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// Per locator: datagrams and bytes in, out and forwarded (forwarded is part
// of out), and drops by reason of datagrams that arrived on it (reasons that
// never occurred on a locator are left out, so a node's output stays short).
void write_link_metrics(Writer& w, const LinkCounters& links) {
  auto each = [&](auto&& emit) {
    for (std::size_t i = 0; i < links.locators().size(); ++i) emit(links.locators()[i].to_string(), links.traffic(i));
    if (links.overflowed()) emit(std::string("other"), links.overflow());
  };
  auto label = [](const std::string& locator, const char* key, std::string_view value) {
    return "locator=\"" + locator + "\"," + key + "=\"" + std::string(value) + "\"";
  };
  w.metric("ilnp_link_datagrams_total", "counter",
           "Datagrams per locator: in, out (all sent on it) and forwarded (relayed onto it, part of out).");
  each([&](const std::string& l, const LinkTraffic& t) {
    w.sample("ilnp_link_datagrams_total", t.datagrams_in, label(l, "direction", "in"));
    w.sample("ilnp_link_datagrams_total", t.datagrams_out, label(l, "direction", "out"));
    w.sample("ilnp_link_datagrams_total", t.forwarded, label(l, "direction", "forwarded"));
  });
  w.metric("ilnp_link_bytes_total", "counter", "Bytes per locator, directions as ilnp_link_datagrams_total.");
  each([&](const std::string& l, const LinkTraffic& t) {
    w.sample("ilnp_link_bytes_total", t.bytes_in, label(l, "direction", "in"));
    w.sample("ilnp_link_bytes_total", t.bytes_out, label(l, "direction", "out"));
    w.sample("ilnp_link_bytes_total", t.bytes_forwarded, label(l, "direction", "forwarded"));
  });
  w.metric("ilnp_link_drops_total", "counter",
           "Datagrams dropped, by arrival locator and reason (only reasons that occurred).");
  each([&](const std::string& l, const LinkTraffic& t) {
    for (std::size_t r = 0; r < kDropReasonCount; ++r)
      if (t.drops[r] != 0)
        w.sample("ilnp_link_drops_total", t.drops[r], label(l, "reason", to_string(static_cast<DropReason>(r))));
  });
}

// Only on a node with hub-backed locators.
void write_hub_metrics(Writer& w, const io::HubLink& hub) {
  const auto& l = hub.stats();
  const auto& m = hub.member_counters();
  w.metric("ilnp_hub_datagrams_total", "counter", "Overlay datagrams through relay hubs.");
  w.sample("ilnp_hub_datagrams_total", l.received, "direction=\"in\"");
  w.sample("ilnp_hub_datagrams_total", l.sent, "direction=\"out\"");
  w.metric("ilnp_hub_send_errors_total", "counter", "Sends to a hub the socket refused.");
  w.sample("ilnp_hub_send_errors_total", l.send_errors);
  w.metric("ilnp_hub_registrations_total", "counter",
           "Registrations with hubs: sent, and the hubs' answers (accepted, refused).");
  w.sample("ilnp_hub_registrations_total", m.registrations_sent, "result=\"sent\"");
  w.sample("ilnp_hub_registrations_total", m.accepted, "result=\"accepted\"");
  w.sample("ilnp_hub_registrations_total", m.refused, "result=\"refused\"");
  w.metric("ilnp_hub_unknown_sender_notices_total", "counter",
           "Hub notices that it did not know this node (a NAT rebinding or an expired membership).");
  w.sample("ilnp_hub_unknown_sender_notices_total", m.notices);
  w.metric("ilnp_hub_ignored_control_total", "counter", "Hub control frames malformed or not for our locators.");
  w.sample("ilnp_hub_ignored_control_total", m.ignored_control);
}
}  // namespace

Metrics::Metrics(Runtime& runtime, const ProxyService& proxy)
    : rt_(runtime),
      proxy_(proxy),
      textfile_(runtime.config().metrics_textfile),
      timer_(runtime.io()),
      watch_timer_(runtime.io()) {
  rt_.subscribe([this](const Event& e) { on_event(e); });
  watch_soon();
  if (!textfile_.empty()) {
    writer_ = std::thread([this] { textfile_thread(); });
    write_textfile_soon();
  }
}

Metrics::~Metrics() {
  if (!writer_.joinable()) return;
  auto content = text();  // the final figures; before the lock, which text() takes too
  {
    std::lock_guard lock(mutex_);
    pending_ = std::move(content);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
}

void Metrics::on_event(const Event& event) {
  auto* ack = std::get_if<UpdateAcknowledged>(&event);
  if (!ack) return;
  auto seconds = to_seconds(ack->round_trip);
  for (std::size_t i = 0; i < kRttBuckets.size(); ++i)
    if (seconds <= kRttBuckets[i]) ++rtt_buckets_[i];
  ++rtt_count_;
  rtt_sum_ += seconds;
}

std::string Metrics::text() const {
  auto& node = rt_.node();
  const auto& s = node.stats();
  const auto& l = rt_.driver().link().stats();
  Writer w;
  w.metric("ilnp_node_info", "gauge", "Constant 1, labelled with the node's identity.");
  w.sample("ilnp_node_info", std::uint64_t{1},
           "hostname=\"" + label_value(node.config().hostname) + "\",nid=\"" + node.config().nid.to_string() +
               "\",mode=\"" + (node.config().security.secure ? "secure" : "legacy") + "\"");
  const std::pair<const char*, std::uint64_t> totals[] = {
      {"ilnp_datagrams_in_total", s.datagrams_in},       {"ilnp_bytes_in_total", s.bytes_in},
      {"ilnp_datagrams_out_total", s.datagrams_out},     {"ilnp_bytes_out_total", s.bytes_out},
      {"ilnp_forwarded_total", s.forwarded},             {"ilnp_delivered_total", s.delivered},
      {"ilnp_solicitations_sent_total", s.solicitations_sent},
      {"ilnp_advertisements_sent_total", s.advertisements_sent},
      {"ilnp_moves_total", s.moves},                     {"ilnp_locator_updates_sent_total", s.updates_sent},
      {"ilnp_locator_updates_acknowledged_total", s.updates_acknowledged},
      {"ilnp_locator_updates_given_up_total", s.updates_given_up},
      {"ilnp_locator_updates_received_total", s.updates_received},
      {"ilnp_link_own_echoes_total", l.own_echoes},      {"ilnp_link_send_errors_total", l.send_errors},
      {"ilnp_link_send_queue_drops_total", l.send_queue_drops},
      {"ilnp_link_emulated_drops_total", l.emulated_drops},
  };
  for (auto [name, value] : totals) {
    w.metric(name, "counter", "Node counter (see ilnp ctl status).");
    w.sample(name, value);
  }
  w.metric("ilnp_drops_total", "counter", "Datagrams dropped, by reason.");
  for (std::size_t i = 0; i < kDropReasonCount; ++i)
    w.sample("ilnp_drops_total", s.drops[i], "reason=\"" + std::string(to_string(static_cast<DropReason>(i))) + "\"");
  write_link_metrics(w, node.link_counters());
  w.metric("ilnp_routes", "gauge", "Learned routes (remote locator -> joined locator).");
  w.sample("ilnp_routes", static_cast<std::uint64_t>(node.routes().routes().size()));
  std::uint64_t bindings = 0;
  for (const auto& [host, b] : node.names().hosts()) bindings += b.size();
  w.metric("ilnp_names", "gauge", "Hostname bindings in the name cache.");
  w.sample("ilnp_names", bindings);
  w.metric("ilnp_correspondents", "gauge", "Recent correspondents (told of moves).");
  w.sample("ilnp_correspondents", static_cast<std::uint64_t>(node.correspondents().all().size()));
  w.metric("ilnp_joined_locators", "gauge", "Locators joined on the link (active and leaving).");
  w.sample("ilnp_joined_locators", static_cast<std::uint64_t>(node.linked_locators().size()));
  w.metric("ilnp_locator_update_rtt_seconds", "histogram", "Locator update to acknowledgement.");
  for (std::size_t i = 0; i < kRttBuckets.size(); ++i) {
    char le[32];
    std::snprintf(le, sizeof le, "%g", kRttBuckets[i]);
    w.sample("ilnp_locator_update_rtt_seconds_bucket", rtt_buckets_[i], "le=\"" + std::string(le) + "\"");
  }
  w.sample("ilnp_locator_update_rtt_seconds_bucket", rtt_count_, "le=\"+Inf\"");
  w.sample("ilnp_locator_update_rtt_seconds_sum", rtt_sum_);
  w.sample("ilnp_locator_update_rtt_seconds_count", rtt_count_);
  if (const auto* trace = rt_.trace()) {
    const auto t = trace->stats();
    w.metric("ilnp_trace_records_total", "counter", "Datagrams written to the --trace.pcap file.");
    w.sample("ilnp_trace_records_total", t.records);
    w.metric("ilnp_trace_dropped_total", "counter",
             "Datagrams left out of the trace: writer behind (busy) or file at trace.pcap_max_bytes (size_cap).");
    w.sample("ilnp_trace_dropped_total", t.dropped_busy, "reason=\"busy\"");
    w.sample("ilnp_trace_dropped_total", t.dropped_cap, "reason=\"size_cap\"");
  }
  if (const auto* hub = rt_.driver().hub_link()) write_hub_metrics(w, *hub);
  w.metric("ilnp_persist_errors_total", "counter",
           "Writes to disk that failed or were dropped, by what was written (records, files or lines lost).");
  for (const auto& e : persist_errors()) w.sample("ilnp_persist_errors_total", e.count, "what=\"" + std::string(e.what) + "\"");
  if (auto* state = rt_.state()) {
    w.metric("ilnp_state_pruned_total", "counter", "Rows deleted from state.db: expired, or over a table's cap.");
    w.sample("ilnp_state_pruned_total", state->pruned());
  }
  if (const auto* control = rt_.control()) {
    const auto& c = control->stats();
    w.metric("ilnp_control_sessions_total", "counter", "Control connections by outcome.");
    w.sample("ilnp_control_sessions_total", c.sessions, "outcome=\"served\"");
    w.sample("ilnp_control_sessions_total", c.sessions_refused, "outcome=\"refused_too_many\"");
    w.sample("ilnp_control_sessions_total", c.sessions_timed_out, "outcome=\"timed_out\"");
    w.sample("ilnp_control_sessions_total", c.requests_too_long, "outcome=\"request_too_long\"");
    w.metric("ilnp_control_accept_errors_total", "counter", "Failed accepts on the control socket (EMFILE...).");
    w.sample("ilnp_control_accept_errors_total", c.accept_errors);
  }
  const auto& p = proxy_.proxy().stats();
  w.metric("ilnp_proxy_datagrams_total", "counter", "Datagrams through the local UDP proxy.");
  w.sample("ilnp_proxy_datagrams_total", p.sent, "direction=\"out\"");
  w.sample("ilnp_proxy_datagrams_total", p.delivered, "direction=\"in\"");
  w.metric("ilnp_proxy_drops_total", "counter", "Proxy datagrams dropped, by reason.");
  w.sample("ilnp_proxy_drops_total", p.no_mapping, "reason=\"no_mapping\"");
  w.sample("ilnp_proxy_drops_total", p.too_large, "reason=\"too_large\"");
  w.sample("ilnp_proxy_drops_total", p.unresolved, "reason=\"unresolved\"");
  w.sample("ilnp_proxy_drops_total", p.no_route, "reason=\"no_route\"");
  w.metric("ilnp_proxy_mappings", "gauge", "Proxy mappings.");
  w.sample("ilnp_proxy_mappings", static_cast<std::uint64_t>(proxy_.proxy().mappings().all().size()));
  return w.str();
}

void Metrics::write_textfile_soon() {
  auto content = text();  // before the lock: text() takes it too (persist_errors)
  {
    std::lock_guard lock(mutex_);
    pending_ = std::move(content);
  }
  wake_.notify_one();
  timer_.expires_after(kTextfileInterval);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) write_textfile_soon();
  });
}

std::vector<PersistError> Metrics::persist_errors() const {
  std::uint64_t count = 0;
  std::string error;
  {
    std::lock_guard lock(mutex_);
    count = textfile_errors_;
    error = textfile_error_;
  }
  return apps::persist_errors(rt_, count, error);
}

void Metrics::watch_soon() {
  watch_.check(rt_, persist_errors());
  watch_timer_.expires_after(kTextfileInterval);
  watch_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) watch_soon();
  });
}

void Metrics::textfile_thread() {
  for (;;) {
    std::string content;
    bool last = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return pending_ || stopping_; });
      if (!pending_) return;
      content = std::move(*pending_);
      pending_.reset();
      last = stopping_;
    }
    // Write beside it and rename: node_exporter never reads half a file, and
    // a full disk leaves the previous file whole.
    if (auto error = io::replace_file(textfile_, content)) {
      std::lock_guard lock(mutex_);
      ++textfile_errors_;
      textfile_error_ = std::move(*error);
    }
    if (last) return;
  }
}

}  // namespace ilnp::apps
