// Runs a plan in virtual time in the order and with the stop rules the plan
// states (Plan::start_groups, the grace times; the testbed's runner reads the
// same from `ilnp sim --plan`). Output is buffered per node and appended to its files.
#include "sim_run.hpp"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>
#include <stdexcept>

#include "config.hpp"
#include "ilnp/core/wire/pcap_writer.hpp"
#include "json_writer.hpp"
#include "runtime.hpp"
#include "sim_apps.hpp"

namespace ilnp::apps::sim {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Virtual time 0 is this Unix time (2021-06-01 00:00:00 UTC, the year of the
// study): logs, outputs and the pcap trace show it plus the virtual time.
constexpr std::int64_t kEpochUnix = 1622505600;
constexpr std::size_t kFlushBytes = 1 << 20;
constexpr double kStopGrace_s = Plan::kSenderGrace_s + Plan::kReceiverGrace_s;

std::string wall_text(Instant t) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(kEpochUnix + us / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);  // UTC, as the testbed runs its nodes (TZ=UTC)
  char buf[40];
  auto n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%06lld", static_cast<long long>(us % 1000000));
  return buf;
}

// One node's standard output or log: buffered, appended to its file in chunks.
class LineFile {
 public:
  explicit LineFile(fs::path path) : path_(std::move(path)) { std::ofstream(path_, std::ios::trunc); }
  LineFile(const LineFile&) = delete;
  LineFile& operator=(const LineFile&) = delete;
  void write(const std::string& line) {
    buffer_ += line;
    buffer_ += '\n';
    if (buffer_.size() > kFlushBytes) flush();
  }
  void flush() {
    if (buffer_.empty()) return;
    std::ofstream f(path_, std::ios::app | std::ios::binary);
    f << buffer_;
    if (!f) throw std::runtime_error("cannot write " + path_.string());
    buffer_.clear();
  }

 private:
  fs::path path_;
  std::string buffer_;
};

// Where a node's INI key came from in the topology or experiment file.
std::string origin_of(const PlanNode& node, const std::string& ini_key) {
  static const std::map<std::string, std::string> named = {
      {"network.locators", "locators"},   {"network.nid", "nid"},         {"network.move_time", "move_time"},
      {"network.handoff_time", "handoff_time"}, {"application.port", "port"}, {"application.remote_hostname", "remote"},
      {"application.remote_port", "remote_port"}};
  auto where = node.where(ini_key);
  if (where.empty())
    if (auto it = named.find(ini_key); it != named.end()) where = node.where(it->second);
  return where.empty() ? "[node " + node.name + "]" : where;
}

Config node_config(const PlanNode& node) {
  // The simulator's links are segments, not interfaces: every interface
  // named (the default, LOCATOR%IFACE) becomes lo, which every host has.
  static const std::regex bound_interface(R"(%[A-Za-z0-9_.]+)");
  std::vector<std::pair<std::string, std::string>> keys;
  for (const auto& [k, v] : node.ini())
    keys.emplace_back(k, k == "link.mcast_interface" ? "lo"
                         : k == "network.locators" ? std::regex_replace(v, bound_interface, "%lo")
                                                   : v);
  try {
    return load_config(std::nullopt, keys);
  } catch (const ConfigError& e) {
    // "command line --KEY: KEY: problem" -> "FILE:LINE (node N): KEY: problem"
    std::string text = e.what();
    const std::string prefix = "command line --";
    if (text.rfind(prefix, 0) == 0) {
      auto colon = text.find(':', prefix.size());
      auto key = text.substr(prefix.size(), colon - prefix.size());
      text = origin_of(node, key) + " (node " + node.name + ")" + text.substr(colon);
    }
    throw PlanError(text);
  }
}

ilnp::sim::LinkConditions side(const Conditions& c) {
  ilnp::sim::LinkConditions l;
  if (c.delay_s) l.delay = seconds_f(*c.delay_s);
  if (c.jitter_s) l.jitter = seconds_f(*c.jitter_s);
  if (c.loss_percent) l.loss = *c.loss_percent / 100.0;
  if (c.rate_bps) l.rate_bps = *c.rate_bps;
  return l;
}

ilnp::sim::NodeLink node_link(const Conditions& c) {
  ilnp::sim::NodeLink link;
  if (c.direction != "in") link.out = side(c);
  if (c.direction != "out") link.in = side(c);
  return link;
}

std::string describe(const std::string& condition, const Conditions& c) {
  char buf[64];
  if (condition == "delay") std::snprintf(buf, sizeof buf, "delay %gms", *c.delay_s * 1000);
  if (condition == "jitter") std::snprintf(buf, sizeof buf, "jitter %gms", *c.jitter_s * 1000);
  if (condition == "loss") std::snprintf(buf, sizeof buf, "loss %g%%", *c.loss_percent);
  if (condition == "rate") std::snprintf(buf, sizeof buf, "rate %gmbit", static_cast<double>(*c.rate_bps) / 1e6);
  return buf;
}

std::string ini_text(const Plan& plan, const PlanNode& node, const Config& config) {
  std::string out = "; generated by ilnp sim from " + fs::path(plan.source).filename().string() + " for node " +
                    node.name + " (role " + node.role() + ")\n";
  std::string section;
  for (const auto& [k, v] : node.ini()) {
    auto dot = k.find('.');
    if (k.substr(0, dot) != section) {
      section = k.substr(0, dot);
      out += "\n[" + section + "]\n";
    }
    out += k.substr(dot + 1) + " = " + (k == "link.mcast_interface" ? config.link.interface : v) + "\n";
  }
  return out;
}

// A secure node's key, derived from the seed and its name: same seed, same NID.
security::Identity identity_for(std::uint64_t seed, const std::string& name) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ seed;
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  Rng rng(h);
  security::Seed s{};
  for (std::size_t i = 0; i < s.size(); i += 8) {
    auto v = rng.next();
    for (std::size_t j = 0; j < 8; ++j) s[i + j] = static_cast<std::byte>(v >> (8 * j));
  }
  return security::Identity::from_seed(s);
}

struct SimNodeState {
  SimNodeState(const PlanNode& p, Config c, const fs::path& logs)
      : plan(p), config(std::move(c)), out(logs / (p.name + ".out")), log(logs / (p.name + ".log")) {}
  const PlanNode& plan;
  Config config;
  LineFile out;
  LineFile log;
  std::size_t index{0};
  std::optional<SimHost> host;
  std::unique_ptr<SimApplication> app;
  bool running{false};
  bool in_experiment{false};
};

class Run {
 public:
  Run(const Plan& plan, const SimOptions& options)
      : plan_(plan), options_(options), sim_(options.seed), logs_(fs::path(options.out_dir) / "logs") {
    std::vector<Config> configs;  // every node's, before anything is written
    for (const auto& n : plan.nodes) configs.push_back(node_config(n));
    fs::create_directories(logs_);
    std::set<std::string> experiment_nodes;
    for (const auto& [s, r] : plan.flows) experiment_nodes.insert(s), experiment_nodes.insert(r);
    for (std::size_t i = 0; i < plan.nodes.size(); ++i) {
      const auto& n = plan.nodes[i];
      std::ofstream(logs_ / (n.name + ".ini")) << ini_text(plan, n, configs[i]);
      nodes_.push_back(std::make_unique<SimNodeState>(n, std::move(configs[i]), logs_));
      nodes_.back()->in_experiment = experiment_nodes.contains(n.name) && plan.is_experiment;
    }
    if (options.trace) {
      pcap_file_.open(fs::path(options.out_dir) / "trace.pcap", std::ios::binary | std::ios::trunc);
      pcap_.emplace(pcap_file_);
      sim_.on_transmit([this](Instant at, std::size_t from, Locator link, const wire::Buffer& bytes) {
        pcap_->write(at + std::chrono::seconds(kEpochUnix), link, 0, sim_.node(from).config().nid, bytes);
      });
    }
  }

  SimReport run() {
    auto began = std::chrono::steady_clock::now();
    // Routers, then the other non-senders, at 0; the senders after `settle`.
    bool experiment = plan_.is_experiment;
    auto groups = plan_.start_groups();
    for (const auto* group : {&groups.routers, &groups.others})
      for (const auto& name : *group) start(node_named(name));
    auto settle = seconds_f(experiment ? plan_.settle_s : 0);
    for (const auto& name : groups.senders)
      sim_.schedule(Instant{} + settle, [this, &n = node_named(name)] { start(n); });
    for (auto& n : nodes_)
      for (const auto& e : n->plan.link_events())
        sim_.schedule(Instant{} + settle + seconds_f(e.at_s), [this, &n = *n, e] { link_event(n, e); });

    double run_time = experiment ? *plan_.run_time_s : plan_.run_time_s.value_or(options_.topology_run_time_s);
    auto deadline = Instant{} + settle + seconds_f(run_time + (experiment ? kStopGrace_s : 0));
    while (sim_.now() < deadline && (!experiment || experiment_running())) sim_.run_until(std::min(sim_.now() + 1s, deadline));
    for (auto& n : nodes_)
      if (n->in_experiment && n->running)
        problems_.push_back(n->plan.name + " had not stopped " + std::to_string(static_cast<int>(kStopGrace_s)) +
                            " s after the senders' run time: stopped");
    for (auto& n : nodes_) stop(*n);

    SimReport report;
    report.nodes = nodes_.size();
    report.simulated_s = to_seconds(sim_.now().time_since_epoch());
    report.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    report.transmissions = sim_.transmissions();
    report.problems = problems_;
    for (auto& n : nodes_) n->out.flush(), n->log.flush();
    if (pcap_file_.is_open()) {
      pcap_file_.flush();
      if (!pcap_file_) throw std::runtime_error("cannot write trace.pcap");
    }
    write_experiment_json(report);
    return report;
  }

 private:
  SimNodeState& node_named(const std::string& name) {
    for (auto& n : nodes_)
      if (n->plan.name == name) return *n;
    throw std::logic_error("no node " + name + " in the plan");
  }

  bool experiment_running() const {
    for (const auto& n : nodes_)
      if (n->in_experiment && (n->running || !n->host)) return true;
    return false;
  }

  void start(SimNodeState& n) {
    const auto& name = n.plan.name;
    Logger logger(
        [this, &n](Layer layer, Level level, std::string_view text) {
          n.log.write(wall_text(sim_.now()) + " " + n.config.node.hostname + " " + std::string(to_string(layer)) + " " +
                      std::string(to_string(level)) + ": " + std::string(text));
        },
        n.config.log_levels);
    std::optional<security::Identity> identity;
    if (n.config.node.security.secure) {
      identity = identity_for(options_.seed, name);
      n.config.node.nid = identity->nid();
    }
    n.index = sim_.add_node(n.config.node, logger, std::move(identity));
    sim_.set_link(n.index, node_link(n.plan.conditions()));
    n.running = true;
    n.host.emplace(SimHost{
        sim_, n.index, n.config, [&n](std::string line) { n.out.write(line); },
        [this, &n](Level level, std::string text) {
          if (level <= n.config.log_levels[static_cast<std::size_t>(Layer::application)])
            n.log.write(wall_text(sim_.now()) + " " + n.config.node.hostname + " application " +
                        std::string(to_string(level)) + ": " + text);
        },
        [this] { return wall_text(sim_.now()); }, [this, &n] { stop(n); }});
    auto application = n.plan.application();
    if (application == "experiment") n.app = start_experiment(*n.host);
    if (application == "heartbeat") n.app = start_heartbeat(*n.host);
    sim_.on_deliver(n.index, [&n](const Deliver& d) {
      if (n.app) n.app->on_deliver(d);
    });
  }

  // The testbed runs `ip link set dev IFACE down|up`; here the node's
  // segments on that interface stop or resume carrying.
  void link_event(SimNodeState& n, const LinkEvent& e) {
    if (!n.running) return;
    n.log.write(wall_text(sim_.now()) + " " + n.config.node.hostname + " application info: link event: " +
                e.interface + (e.up ? " up" : " down"));
    for (const auto& text : n.plan.locators_on(e.interface))
      if (auto locator = Locator::parse(text)) sim_.link_changed(n.index, *locator, e.up);
  }

  void stop(SimNodeState& n) {
    if (!n.running) return;
    n.running = false;
    if (n.app) n.app->finish();
    // Always written, whatever the log levels, like Runtime::stop.
    n.log.write(wall_text(sim_.now()) + " " + n.config.node.hostname +
                " application info: " + stopping_summary(sim_.node(n.index).stats()));
    sim_.stop_node(n.index);
  }

  void write_experiment_json(const SimReport& report) {
    JsonWriter w;
    w.begin_object();
    plan_.write_meta(w);
    w.key("mode").value("simulator (ilnp sim: virtual time, seed " + std::to_string(options_.seed) + ")");
    w.key("seed").value(options_.seed);
    w.key("problems").begin_array();
    for (const auto& p : problems_) w.value(p);
    w.end_array();
    w.key("conditions").begin_array();
    for (const auto& n : plan_.nodes) {
      auto c = n.conditions();
      for (const char* direction : {"out", "in"}) {
        if (c.direction != "both" && c.direction != direction) continue;
        auto row = [&](const char* condition, bool present) {
          if (!present) return;
          w.begin_object().key("node").value(n.name).key("direction").value(direction);
          w.key("condition").value(condition).key("value").value(describe(condition, c));
          w.key("mechanism").value("ilnp sim").key("detail").value("simulated link").end_object();
        };
        row("delay", c.delay_s.has_value());
        row("jitter", c.jitter_s.has_value());
        row("loss", c.loss_percent.has_value());
        row("rate", c.rate_bps.has_value());
      }
    }
    w.end_array();
    w.key("senders_started_utc").value(static_cast<double>(kEpochUnix) + (plan_.is_experiment ? plan_.settle_s : 0));
    w.key("simulated_s").value(report.simulated_s);
    w.key("transmissions").value(report.transmissions);
    const auto& c = sim_.counters();
    w.key("link_drops").begin_object().key("out").value(c.lost_out).key("in").value(c.lost_in);
    w.key("queue").value(c.queue_drops).key("left_group").value(c.missed_left).key("link_down").value(c.link_down);
    w.end_object();
    if (pcap_) w.key("trace").value("trace.pcap");
    w.key("wall_time_s").value(report.wall_s);
    w.end_object();
    std::ofstream f(fs::path(options_.out_dir) / "experiment.json", std::ios::trunc);
    f << w.str() << "\n";
    if (!f) throw std::runtime_error("cannot write experiment.json in " + options_.out_dir);
  }

  const Plan& plan_;
  const SimOptions& options_;
  ilnp::sim::Simulator sim_;
  fs::path logs_;
  std::vector<std::unique_ptr<SimNodeState>> nodes_;
  std::vector<std::string> problems_;
  std::ofstream pcap_file_;
  std::optional<ilnp::wire::PcapWriter> pcap_;
};

}  // namespace

SimReport run_simulation(const Plan& plan, const SimOptions& options) {
  Run run(plan, options);
  return run.run();
}

}  // namespace ilnp::apps::sim
