// Metric names follow Prometheus conventions: ilnp_ prefix, _total for
// counters, base units (seconds, bytes).
#include "metrics.hpp"

#include <cstdio>
#include <sstream>

#include "counter_list.hpp"
#include "ilnp/io/atomic_file.hpp"
#include "ilnp/io/clock.hpp"
#include "state_service.hpp"

namespace ilnp::apps {

namespace {
class Writer {
 public:
  void metric(std::string_view name, std::string_view type, std::string_view help) {
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
  Writer w;
  w.metric("ilnp_node_info", "gauge", "Constant 1, labelled with the node's identity.");
  w.sample("ilnp_node_info", std::uint64_t{1},
           "hostname=\"" + label_value(node.config().hostname) + "\",nid=\"" + node.config().nid.to_string() +
               "\",mode=\"" + (node.config().security.secure ? "secure" : "legacy") + "\"");
  // Every plain counter, one HELP and TYPE per metric name (their samples are adjacent).
  std::string_view family;
  for (const auto& c : counter_list(rt_, persist_errors())) {
    if (c.metric != family) w.metric(c.metric, "counter", c.help);
    family = c.metric;
    w.sample(std::string(c.metric), c.value, c.labels);
  }
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
  if (auto* state = rt_.state()) {
    w.metric("ilnp_state_pruned_total", "counter", "Rows deleted from state.db: expired, or over a table's cap.");
    w.sample("ilnp_state_pruned_total", state->pruned());
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
