// The one reader of topo/*.topo and experiments/*.exp: `ilnp sim` runs what it
// resolves, and the Python testbed reads `ilnp sim --plan`'s JSON of it.
#include "sim_plan.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "json_writer.hpp"

namespace ilnp::apps::sim {

namespace {

namespace fs = std::filesystem;

const std::set<std::string> kNodeKeys = {"role",  "nid",         "locators",   "move_time", "handoff_time",
                                         "application", "port", "remote", "remote_port", "delay",
                                         "jitter", "loss",       "rate",       "link_direction", "link_events"};
const std::vector<std::string> kIniSections = {"link", "network", "transport", "discovery", "application", "log",
                                               "control"};
const std::vector<std::string> kRoles = {"router", "mn", "cn", "host"};
const std::vector<std::string> kApplications = {"none", "heartbeat", "experiment"};
constexpr int kTransportOverhead = 44;  // network header 40 + skinny transport header 4
const std::regex kLocator("^[0-9a-fA-F]{1,4}(:[0-9a-fA-F]{1,4}){3}$");
// A locator of a plan, optionally bound to an interface. Unlike the node's
// own configuration, a plan's interface names hold no '-' (it separates the
// sets of a move cycle here).
const std::regex kPlanLocator("^([0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){3})(?:%([A-Za-z0-9_.]{1,15}))?$");

struct Entry {
  std::string key, value;
  int line;
};
struct Section {
  std::string name;
  std::vector<Entry> entries;
};

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string in_quotes(const std::string& s) { return "'" + s + "'"; }

// "%g": the plan's numbers as the testbed has always written them.
std::string fmt_g(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::vector<Section> parse_ini(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw PlanError(path + ": cannot read the file");
  std::vector<Section> sections;
  static const std::regex comment(R"(\s+[#;].*$)");
  static const std::regex header(R"(^\[\s*([^\]]+?)\s*\]$)");
  std::string raw;
  for (int number = 1; std::getline(in, raw); ++number) {
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    auto line = trim(std::regex_replace(raw, comment, ""));
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    std::smatch m;
    if (std::regex_match(line, m, header)) {
      std::istringstream words(m[1].str());
      std::vector<std::string> parts;
      for (std::string w; words >> w;) parts.push_back(w);
      sections.push_back({join(parts, " "), {}});
      continue;
    }
    auto where = path + ":" + std::to_string(number);
    auto eq = line.find('=');
    if (eq == std::string::npos)
      throw PlanError(where + ": expected 'key = value' or '[section]', got " + in_quotes(trim(raw)));
    if (sections.empty()) throw PlanError(where + ": " + in_quotes(trim(raw)) + " is outside any [section]");
    sections.back().entries.push_back({trim(line.substr(0, eq)), trim(line.substr(eq + 1)), number});
  }
  return sections;
}

std::optional<double> number_of(const std::string& text) {
  auto t = trim(text);
  double v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || end != t.data() + t.size() || t.empty()) return std::nullopt;
  return v;
}

double percent(const std::string& text, const std::string& where) {
  static const std::regex re(R"(^(\d+(?:\.\d+)?)\s*%?$)");
  std::smatch m;
  auto t = trim(text);
  if (!std::regex_match(t, m, re) || std::stod(m[1].str()) > 100)
    throw PlanError(where + ": " + in_quotes(text) + " is not a percentage (e.g. 1%, 0.5%)");
  return std::stod(m[1].str());
}

std::uint64_t rate_bits(const std::string& text, const std::string& where) {
  static const std::regex re(R"(^(\d+(?:\.\d+)?)\s*(bit|kbit|mbit|gbit)$)", std::regex::icase);
  std::smatch m;
  auto t = trim(text);
  if (!std::regex_match(t, m, re)) throw PlanError(where + ": " + in_quotes(text) + " is not a rate (e.g. 10mbit, 500kbit)");
  auto unit = m[2].str();
  std::transform(unit.begin(), unit.end(), unit.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  double scale = unit == "bit" ? 1 : unit == "kbit" ? 1e3 : unit == "mbit" ? 1e6 : 1e9;
  return static_cast<std::uint64_t>(std::stod(m[1].str()) * scale);
}

// 'a-b,c' -> [[a], [b, c]].
std::vector<std::vector<std::string>> locator_sets(const std::string& text, const std::string& where) {
  std::vector<std::vector<std::string>> sets;
  std::size_t start = 0;
  for (;;) {
    auto dash = text.find('-', start);
    auto part = text.substr(start, dash == std::string::npos ? std::string::npos : dash - start);
    std::vector<std::string> locs;
    std::istringstream items(part);
    for (std::string item; std::getline(items, item, ',');) {
      item = trim(item);
      if (item.empty()) continue;
      if (!std::regex_match(item, kPlanLocator))
        throw PlanError(where + ": " + in_quotes(item) +
                        " is not a locator (four hex groups, e.g. 0:0:0:a, or 0:0:0:a%eth1 on an interface)");
      locs.push_back(item);
    }
    if (locs.empty()) throw PlanError(where + ": empty locator set in " + in_quotes(text));
    sets.push_back(std::move(locs));
    if (dash == std::string::npos) break;
    start = dash + 1;
  }
  return sets;
}

std::string find_file(const std::string& name, const std::string& kind, const std::vector<std::string>& dirs) {
  std::vector<std::string> candidates{name};
  for (const auto& d : dirs) {
    candidates.push_back((fs::path(d) / name).string());
    candidates.push_back((fs::path(d) / (name + "." + kind)).string());
  }
  for (const auto& c : candidates) {
    std::error_code ec;
    if (fs::is_regular_file(c, ec)) return fs::absolute(c).lexically_normal().string();
  }
  throw PlanError("no " + kind + " file " + in_quotes(name) + " (looked in " + (dirs.empty() ? "." : join(dirs, ", ")) + ")");
}

// A .topo file: its nodes with their keys, defaults and overrides applied.
struct Topology {
  std::string path, name, description;
  std::vector<PlanNode> nodes;

  PlanNode* node(const std::string& n) {
    for (auto& x : nodes)
      if (x.name == n) return &x;
    return nullptr;
  }

  static void set(PlanNode& node, const std::string& key, const std::string& value, const std::string& where) {
    auto dot = key.find('.');
    if (!kNodeKeys.contains(key) && !(dot != std::string::npos && contains(kIniSections, key.substr(0, dot))))
      throw PlanError(where + ": unknown node key " + in_quotes(key) +
                      " (see topo/README.md; INI keys are written SECTION.KEY)");
    node.set(key, value, where);
  }

  explicit Topology(const std::string& p) : path(p), name(fs::path(p).stem().string()) {
    std::vector<std::tuple<std::string, std::string, std::string>> defaults;  // key, value, where
    static const std::regex node_name("^[a-z][a-z0-9_]{0,11}$");
    for (const auto& [section, entries] : parse_ini(path)) {
      if (section == "testbed") {
        for (const auto& e : entries) {
          auto where = path + ":" + std::to_string(e.line);
          if (e.key == "name") {
            name = e.value;
          } else if (e.key == "description") {
            description = e.value;
          } else if (e.key.find('.') != std::string::npos || kNodeKeys.contains(e.key)) {
            auto it = std::find_if(defaults.begin(), defaults.end(), [&](auto& d) { return std::get<0>(d) == e.key; });
            if (it != defaults.end()) {
              *it = {e.key, e.value, where};
            } else {
              defaults.emplace_back(e.key, e.value, where);
            }
          } else {
            throw PlanError(where + ": unknown key " + in_quotes(e.key) + " in [testbed]");
          }
        }
      } else if (section.rfind("node ", 0) == 0) {
        auto n = trim(section.substr(5));
        if (!std::regex_match(n, node_name))
          throw PlanError(path + ": node name " + in_quotes(n) + ": use 1-12 of a-z, 0-9, _ (starting with a letter)");
        auto* target = node(n);
        if (!target) {
          nodes.push_back(PlanNode{n, {}});
          target = &nodes.back();
        }
        for (const auto& e : entries) set(*target, e.key, e.value, path + ":" + std::to_string(e.line));
      } else {
        throw PlanError(path + ": unknown section [" + section + "] (expected [testbed] or [node NAME])");
      }
    }
    for (const auto& [key, value, where] : defaults)
      for (auto& n : nodes)
        if (n.where(key).empty()) set(n, key, value, where);
    if (nodes.empty()) throw PlanError(path + ": no [node NAME] sections");
    validate();
  }

  void override(const std::string& target, const std::string& key, const std::string& value,
                const std::string& where) {
    std::vector<PlanNode*> chosen;
    for (auto& n : nodes)
      if (target == "*" || target == "all" || (target == "mobile" && n.mobile()) || target == n.name)
        chosen.push_back(&n);
    if (chosen.empty() && target != "mobile" && target != "*" && target != "all")
      throw PlanError(where + ": no node " + in_quotes(target) + " in " + path);
    for (auto* n : chosen) set(*n, key, value, where);
  }

  void validate() const {
    for (const auto& node : nodes) {
      auto w = [&](const std::string& k) {
        auto where = node.where(k);
        return where.empty() ? "[node " + node.name + "]" : where;
      };
      if (!contains(kRoles, node.role()))
        throw PlanError(w("role") + ": role " + in_quotes(node.role()) + " is not one of " + join(kRoles, ", "));
      if (!node.get("locators")) throw PlanError("[node " + node.name + "] in " + path + ": locators are required");
      (void)locator_sets(*node.get("locators"), w("locators"));
      if (!contains(kApplications, node.application()))
        throw PlanError(w("application") + ": application " + in_quotes(node.application()) + " is not one of " +
                        join(kApplications, ", "));
      auto remote = node.get("remote");
      if (remote && !std::any_of(nodes.begin(), nodes.end(), [&](const PlanNode& n) { return n.name == *remote; }))
        throw PlanError(w("remote") + ": remote " + in_quotes(*remote) + " is not a node of this topology");
      auto dir = node.get_or("link_direction", "both");
      if (dir != "out" && dir != "in" && dir != "both")
        throw PlanError(w("link_direction") + ": link_direction must be out, in or both");
      for (const char* key : {"move_time", "handoff_time"})
        if (auto v = node.get(key); v && !number_of(*v))
          throw PlanError(w(key) + ": " + key + " " + in_quotes(*v) + " is not a number of seconds");
      (void)node.conditions();
      (void)node.link_events();
      if (auto nid = node.get("nid"); nid && !std::regex_match(*nid, kLocator))
        throw PlanError(w("nid") + ": nid " + in_quotes(*nid) + " is not four hex groups");
    }
  }
};

// An .exp file's sections, preceded by those of its base (a variant states only what differs).
std::vector<Section> load_experiment(const std::string& path, const std::string& repo, std::vector<std::string> seen) {
  if (std::find(seen.begin(), seen.end(), path) != seen.end()) throw PlanError(path + ": base files form a loop");
  std::vector<Section> out;
  for (auto section : parse_ini(path)) {
    if (section.name == "experiment") {
      for (const auto& e : section.entries) {
        if (e.key != "base") continue;
        auto base = find_file(e.value, "exp", {fs::path(path).parent_path().string(), (fs::path(repo) / "experiments").string()});
        auto with_base = seen;
        with_base.push_back(path);
        auto earlier = load_experiment(base, repo, with_base);
        out.insert(out.begin(), earlier.begin(), earlier.end());
      }
      std::erase_if(section.entries, [](const Entry& e) { return e.key == "base"; });
    }
    out.push_back(std::move(section));
  }
  return out;
}

struct ExperimentSettings {
  Plan& plan;
  std::optional<int> moves;
  bool hard_handoff{false};

  void set(const std::string& key, const std::string& value, const std::string& where) {
    auto bad = [&] { return PlanError(where + ": bad value " + in_quotes(value) + " for " + key); };
    auto num = [&] {
      auto v = number_of(value);
      if (!v) throw bad();
      return *v;
    };
    auto integer = [&] {
      auto v = num();
      if (v != std::floor(v)) throw bad();
      return static_cast<int>(v);
    };
    if (key == "name") {
      plan.name = value;
    } else if (key == "description") {
      plan.description = value;
    } else if (key == "flows") {
      plan.flows.clear();
      static const std::regex flow(R"(^\s*(\w+)\s*->\s*(\w+)\s*$)");
      std::istringstream parts(value);
      for (std::string part; std::getline(parts, part, ',');) {
        std::smatch m;
        if (!std::regex_match(part, m, flow))
          throw PlanError(where + ": flow " + in_quotes(part) + ": write SENDER -> RECEIVER");
        plan.flows.emplace_back(m[1].str(), m[2].str());
      }
    } else if (key == "port") {
      plan.port = std::to_string(integer());
    } else if (key == "interval") {
      plan.interval_s = num();
    } else if (key == "size") {
      plan.size = integer();
    } else if (key == "moves") {  // the later of moves and run_time wins
      moves = integer();
      plan.run_time_s.reset();
    } else if (key == "run_time") {
      plan.run_time_s = num();
      moves.reset();
    } else if (key == "settle") {
      plan.settle_s = num();
    } else if (key == "progress") {
      plan.progress_s = num();
    } else if (key == "handoff") {
      if (value != "soft" && value != "hard") throw PlanError(where + ": handoff must be soft or hard");
      hard_handoff = value == "hard";
    } else {
      throw PlanError(where + ": unknown experiment key " + in_quotes(key));
    }
  }
};

// The experiment's flows as applications on the nodes.
void apply_flows(Plan& plan, Topology& topo, std::optional<int> moves) {
  if (plan.flows.empty())
    throw PlanError(plan.source + ": [experiment] flows is required (e.g. flows = bob -> alice)");
  std::map<std::string, std::string> remotes;
  std::set<std::string> receivers;
  for (const auto& [sender, receiver] : plan.flows) {
    for (const auto& n : {sender, receiver})
      if (!topo.node(n)) throw PlanError(plan.source + ": flow node " + in_quotes(n) + " is not in " + topo.path);
    if (remotes.contains(sender) && remotes[sender] != receiver)
      throw PlanError(plan.source + ": " + sender + " sends to two nodes; ilnp experiment sends to one");
    remotes[sender] = receiver;
    receivers.insert(receiver);
  }
  if (!plan.run_time_s) {
    if (!moves) throw PlanError(plan.source + ": give run_time or moves");
    double move_time = 0;
    bool any = false;
    for (const auto& n : topo.nodes)
      if (n.mobile()) move_time = std::max(move_time, *number_of(n.get_or("move_time", "20"))), any = true;
    if (!any) move_time = 20;
    // Moves happen at k * move_time after the MN starts; half a period more
    // observes the last handoff to its end.
    plan.run_time_s = *moves * move_time + move_time / 2;
  }
  auto buffer_size = std::to_string(plan.size + kTransportOverhead);
  for (auto& node : topo.nodes) {
    node.set("link.buffer_size", buffer_size, "experiment");
    node.set("application.print_datagrams", "true", "experiment");
    bool sender = remotes.contains(node.name);
    if (sender || receivers.contains(node.name)) {
      node.set("application", "experiment", "experiment");
      node.set("port", plan.port, "experiment");
      if (plan.progress_s != 0) node.set("application.progress", fmt_g(plan.progress_s), "experiment");
    } else if (node.application() == "experiment") {
      node.set("application", "none", "experiment");  // not part of this experiment's flows
    }
    if (sender) {
      node.set("remote", remotes[node.name], "experiment");
      node.set("remote_port", plan.port, "experiment");
      node.set("application.run_time", fmt_g(*plan.run_time_s), "experiment");
      node.set("application.wait_time", fmt_g(plan.interval_s), "experiment");
    } else {
      node.erase("remote");
      node.erase("application.run_time");
    }
  }
}

void number(JsonWriter& w, double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  w.raw_value(std::string(buf, end));
}

void optional_string(JsonWriter& w, const std::optional<std::string>& v) {
  if (v) {
    w.value(*v);
  } else {
    w.raw_value("null");
  }
}

void meta_fields(JsonWriter& w, const Plan& p) {
  w.key("experiment").value(p.name);
  w.key("description").value(p.description);
  w.key("topology").value(p.topology);
  w.key("flows").begin_array();
  for (const auto& [s, r] : p.flows) w.begin_object().key("sender").value(s).key("receiver").value(r).end_object();
  w.end_array();
  w.key("interval_s");
  number(w, p.interval_s);
  w.key("size").value(static_cast<std::uint64_t>(p.size));
  w.key("run_time_s");
  if (p.run_time_s) {
    number(w, *p.run_time_s);
  } else {
    w.raw_value("null");
  }
  w.key("nodes").begin_object();
  for (const auto& n : p.nodes) {
    auto c = n.conditions();
    w.key(n.name).begin_object();
    w.key("role").value(n.role());
    w.key("nid");
    optional_string(w, n.get("nid"));
    w.key("locators").value(n.get_or("locators", ""));
    w.key("mobile").value(n.mobile());
    w.key("move_time");
    optional_string(w, n.get("move_time"));
    w.key("handoff_time");
    optional_string(w, n.get("handoff_time"));
    w.key("conditions").begin_object();
    if (c.delay_s) number(w.key("delay"), *c.delay_s);
    if (c.jitter_s) number(w.key("jitter"), *c.jitter_s);
    if (c.loss_percent) number(w.key("loss"), *c.loss_percent);
    if (c.rate_bps) w.key("rate").value(*c.rate_bps);
    w.end_object();
    w.key("link_direction").value(c.direction);
    w.key("interfaces").begin_array();
    for (const auto& i : n.interfaces()) w.value(i);
    w.end_array();
    w.key("link_events").begin_array();
    for (const auto& e : n.link_events()) {
      w.begin_object();
      number(w.key("at_s"), e.at_s);
      w.key("interface").value(e.interface).key("up").value(e.up).end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_object();
}

}  // namespace

double duration_seconds(const std::string& text, const std::string& where) {
  static const std::regex re(R"(^(\d+(?:\.\d+)?)\s*(us|ms|s)?$)");
  std::smatch m;
  auto t = trim(text);
  if (!std::regex_match(t, m, re))
    throw PlanError(where + ": " + in_quotes(text) + " is not a duration (e.g. 20ms, 0.5s, 300us)");
  auto unit = m[2].str();
  double scale = unit == "us" ? 1e-6 : unit == "s" ? 1.0 : 1e-3;
  return std::stod(m[1].str()) * scale;
}

std::optional<std::string> PlanNode::get(const std::string& key) const {
  for (const auto& [k, v] : keys)
    if (k == key) return v.first.empty() ? std::nullopt : std::optional<std::string>(v.first);
  return std::nullopt;
}

std::string PlanNode::where(const std::string& key) const {
  for (const auto& [k, v] : keys)
    if (k == key) return v.second;
  return {};
}

void PlanNode::set(const std::string& key, std::string value, std::string w) {
  for (auto& [k, v] : keys)
    if (k == key) {
      v = {std::move(value), std::move(w)};
      return;
    }
  keys.emplace_back(key, std::make_pair(std::move(value), std::move(w)));
}

void PlanNode::erase(const std::string& key) {
  std::erase_if(keys, [&](const auto& kv) { return kv.first == key; });
}

bool PlanNode::mobile() const { return locator_sets(get_or("locators", ""), name).size() > 1; }

Conditions PlanNode::conditions() const {
  Conditions c;
  auto value = [&](const char* key) -> std::optional<std::string> {
    auto v = get(key);
    if (!v || *v == "0" || *v == "none" || *v == "off") return std::nullopt;
    return v;
  };
  auto w = [&](const char* key) {
    auto x = where(key);
    return x.empty() ? name : x;
  };
  auto nonzero = [](double v) { return v != 0 ? std::optional<double>(v) : std::nullopt; };
  if (auto v = value("delay")) c.delay_s = nonzero(duration_seconds(*v, w("delay")));
  if (auto v = value("jitter")) c.jitter_s = nonzero(duration_seconds(*v, w("jitter")));
  if (auto v = value("loss")) c.loss_percent = nonzero(percent(*v, w("loss")));
  if (auto v = value("rate"); v && rate_bits(*v, w("rate")) > 0) c.rate_bps = rate_bits(*v, w("rate"));
  c.direction = get_or("link_direction", "both");
  return c;
}

std::vector<std::pair<std::string, std::string>> PlanNode::bindings() const {
  std::vector<std::pair<std::string, std::string>> out;
  auto fallback = ini().at("link.mcast_interface");
  for (const auto& set : locator_sets(get_or("locators", ""), name))
    for (const auto& item : set) {
      std::smatch m;
      std::regex_match(item, m, kPlanLocator);
      std::pair binding{m[1].str(), m[2].matched ? m[2].str() : fallback};
      if (std::find(out.begin(), out.end(), binding) == out.end()) out.push_back(std::move(binding));
    }
  return out;
}

std::vector<std::string> PlanNode::interfaces() const {
  std::vector<std::string> out;
  for (const auto& [locator, interface] : bindings())
    if (!contains(out, interface)) out.push_back(interface);
  return out;
}

std::vector<std::string> PlanNode::locators_on(const std::string& interface) const {
  std::vector<std::string> out;
  for (const auto& [locator, bound] : bindings())
    if (bound == interface) out.push_back(locator);
  return out;
}

std::vector<LinkEvent> PlanNode::link_events() const {
  std::vector<LinkEvent> out;
  auto text = get("link_events");
  if (!text) return out;
  auto w = where("link_events").empty() ? "[node " + name + "]" : where("link_events");
  auto known = interfaces();
  std::istringstream items(*text);
  for (std::string item; std::getline(items, item, ',');) {
    std::istringstream words(item);
    std::string at, what, interface, extra;
    words >> at >> what >> interface;
    auto seconds = number_of(at);
    if (!seconds || *seconds < 0 || (what != "down" && what != "up") || interface.empty() || (words >> extra))
      throw PlanError(w + ": link event " + in_quotes(trim(item)) +
                      " is not 'SECONDS down|up INTERFACE' (e.g. 4 down eth0)");
    if (!contains(known, interface))
      throw PlanError(w + ": link event " + in_quotes(trim(item)) + ": " + name + "'s locators use " +
                      join(known, ", ") + ", not " + interface);
    out.push_back(LinkEvent{*seconds, interface, what == "up"});
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.at_s < b.at_s; });
  return out;
}

std::map<std::string, std::string> PlanNode::ini() const {
  std::map<std::string, std::string> out{{"link.mcast_port", "10000"}, {"link.mcast_interface", "eth0"}};
  out["network.locators"] = get_or("locators", "");
  if (auto nid = get("nid")) out["network.nid"] = *nid;
  for (const char* key : {"move_time", "handoff_time"})
    if (auto v = get(key)) out[std::string("network.") + key] = *v;
  out["network.log"] = "info";
  out["discovery.hostname"] = name;
  if (auto port = get("port")) out["application.port"] = *port;
  if (auto remote = get("remote")) {
    out["application.remote_hostname"] = *remote;
    out["application.remote_port"] = get("remote_port").value_or(get_or("port", "1000"));
  }
  for (const auto& [k, v] : keys)
    if (k.find('.') != std::string::npos) out[k] = v.first;
  return out;
}

const PlanNode* Plan::find(const std::string& n) const {
  for (const auto& x : nodes)
    if (x.name == n) return &x;
  return nullptr;
}

void Plan::write_meta(JsonWriter& w) const { meta_fields(w, *this); }

std::string Plan::plan_json() const {
  JsonWriter w;
  w.begin_object().key("meta").begin_object();
  meta_fields(w, *this);
  w.end_object().key("nodes").begin_object();
  for (const auto& n : nodes) {
    w.key(n.name).begin_object();
    for (const auto& [k, v] : n.ini()) w.key(k).value(v);
    w.end_object();
  }
  // What a testbed controller needs beyond experiment.json: where the files
  // are, the timing, and the program each node runs.
  w.end_object().key("run").begin_object();
  w.key("source").value(source).key("topology_path").value(topology_path).key("experiment").value(is_experiment);
  w.key("settle_s");
  number(w, settle_s);
  w.key("programs").begin_object();
  for (const auto& n : nodes) w.key(n.name).value(n.application() == "none" ? std::string("node") : n.application());
  w.end_object().key("start").begin_object();
  auto groups = start_groups();
  for (const auto& [key, names] : {std::pair{"routers", &groups.routers}, std::pair{"others", &groups.others},
                                   std::pair{"senders", &groups.senders}}) {
    w.key(key).begin_array();
    for (const auto& node_name : *names) w.value(node_name);
    w.end_array();
  }
  w.end_object().key("sender_grace_s");
  number(w, kSenderGrace_s);
  w.key("receiver_grace_s");
  number(w, kReceiverGrace_s);
  w.end_object().end_object();
  return w.str();
}

Plan::StartGroups Plan::start_groups() const {
  StartGroups g;
  for (const auto& n : nodes) {
    bool sender = is_experiment && std::any_of(flows.begin(), flows.end(), [&](const auto& f) { return f.first == n.name; });
    (sender ? g.senders : n.role() == "router" ? g.routers : g.others).push_back(n.name);
  }
  return g;
}

Plan load_plan(const std::string& file, const std::string& repo, const std::vector<std::string>& overrides) {
  Plan plan;
  bool is_topo = file.size() > 5 && file.substr(file.size() - 5) == ".topo";
  std::string path;
  if (is_topo) {
    path = find_file(file, "topo", {fs::current_path().string(), (fs::path(repo) / "topo").string()});
  } else {
    try {
      path = find_file(file, "exp", {fs::current_path().string(), (fs::path(repo) / "experiments").string()});
    } catch (const PlanError&) {
      if (fs::path(file).extension() == ".exp") throw;  // a NAME alone may be a topology
      path = find_file(file, "topo", {fs::current_path().string(), (fs::path(repo) / "topo").string()});
    }
    is_topo = fs::path(path).extension() == ".topo";
  }
  plan.source = path;
  plan.name = fs::path(path).stem().string();
  ExperimentSettings settings{plan, std::nullopt, false};
  std::optional<Topology> topo;
  std::vector<std::tuple<std::string, std::string, std::string, std::string>> node_overrides;
  if (is_topo) {
    topo.emplace(path);
    plan.description = topo->description;
    plan.interval_s = 0.1;  // the applications' own default wait_time
  } else {
    plan.is_experiment = true;
    std::optional<std::string> topology;
    for (const auto& [section, entries] : load_experiment(path, repo, {})) {
      if (section == "experiment") {
        for (const auto& e : entries) {
          auto where = path + ":" + std::to_string(e.line);
          if (e.key == "topology") {
            topology = e.value;
          } else {
            settings.set(e.key, e.value, where);
          }
        }
      } else if (section.rfind("node ", 0) == 0 || section == "nodes" || section == "mobile") {
        auto target = section == "nodes" ? std::string("*") : section == "mobile" ? section : trim(section.substr(5));
        for (const auto& e : entries)
          node_overrides.emplace_back(target, e.key, e.value, path + ":" + std::to_string(e.line));
      } else {
        throw PlanError(path + ": unknown section [" + section +
                        "] (expected [experiment], [nodes], [mobile] or [node NAME])");
      }
    }
    if (!topology) throw PlanError(path + ": [experiment] topology is required");
    topo.emplace(find_file(*topology, "topo",
                           {fs::path(path).parent_path().string(), (fs::path(repo) / "topo").string()}));
    for (const auto& [target, key, value, where] : node_overrides) topo->override(target, key, value, where);
  }
  // Command-line overrides: experiment keys (run_time=5) or NODE.KEY=VALUE.
  for (const auto& text : overrides) {
    auto eq = text.find('=');
    if (eq == std::string::npos) throw PlanError("--set " + in_quotes(text) + ": expected KEY=VALUE or NODE.KEY=VALUE");
    auto key = text.substr(0, eq), value = text.substr(eq + 1);
    auto dot = key.find('.');
    auto head = key.substr(0, dot);
    if (dot != std::string::npos && dot + 1 < key.size() &&
        (topo->node(head) || head == "*" || head == "all" || head == "mobile")) {
      topo->override(head, key.substr(dot + 1), value, "--set " + text);
    } else if (is_topo && key == "run_time") {
      plan.run_time_s = number_of(value);
      if (!plan.run_time_s) throw PlanError("--set " + text + ": bad value " + in_quotes(value) + " for run_time");
    } else if (is_topo) {
      throw PlanError("--set " + text + ": a topology takes NODE.KEY=VALUE (or run_time=S)");
    } else {
      settings.set(key, value, "--set " + text);
    }
  }
  if (settings.hard_handoff) topo->override("mobile", "handoff_time", "0", "hard_handoff");
  topo->validate();
  if (plan.is_experiment) {
    apply_flows(plan, *topo, settings.moves);
  } else {
    // A topology alone: its experiment applications are the flows.
    for (const auto& n : topo->nodes)
      if (n.application() == "experiment" && n.get("remote")) plan.flows.emplace_back(n.name, *n.get("remote"));
  }
  plan.topology = topo->name;
  plan.topology_path = topo->path;
  if (!plan.is_experiment) plan.name = topo->name;
  plan.nodes = std::move(topo->nodes);
  return plan;
}

}  // namespace ilnp::apps::sim
