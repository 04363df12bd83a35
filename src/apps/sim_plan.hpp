// What `ilnp sim` runs: a topology (.topo) or an experiment (.exp, with its
// base files and topology) resolved into nodes with their INI keys, flows and
// timing. The only reader of these formats: scripts/lib/ilnp_testbed reads
// `ilnp sim --plan`'s JSON; topo/README.md is the reference.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ilnp::apps {
class JsonWriter;
}

namespace ilnp::apps::sim {

// "FILE:LINE: problem" (or "FILE: problem").
struct PlanError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Conditions {
  std::optional<double> delay_s, jitter_s, loss_percent;
  std::optional<std::uint64_t> rate_bps;
  std::string direction{"both"};  // out | in | both
};

// `link_events = 4 down eth0, 7 up eth0`: at 4 s after the senders start the
// node's eth0 goes down (on the testbed `ip link set dev eth0 down`; in the
// simulator its locators on eth0 stop carrying), at 7 s it comes back.
struct LinkEvent {
  double at_s{0};
  std::string interface;
  bool up{false};
};

struct PlanNode {
  std::string name;
  // Raw topology keys (role, locators, SECTION.KEY ...) in first-set order,
  // each with where it was set ("FILE:LINE", "--set ...").
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> keys;

  [[nodiscard]] std::optional<std::string> get(const std::string& key) const;  // empty counts as unset
  [[nodiscard]] std::string get_or(const std::string& key, const std::string& fallback) const {
    return get(key).value_or(fallback);
  }
  [[nodiscard]] std::string where(const std::string& key) const;
  void set(const std::string& key, std::string value, std::string where);
  void erase(const std::string& key);
  [[nodiscard]] std::string role() const { return get_or("role", "host"); }
  [[nodiscard]] std::string application() const { return get_or("application", "none"); }
  [[nodiscard]] bool mobile() const;
  [[nodiscard]] Conditions conditions() const;
  // The interfaces its locators are joined on (LOCATOR%IFACE, or the
  // link.mcast_interface), in first-use order.
  [[nodiscard]] std::vector<std::string> interfaces() const;
  // The locators joined on `interface` (four hex groups, no %IFACE).
  [[nodiscard]] std::vector<std::string> locators_on(const std::string& interface) const;
  // Sorted by time; throws PlanError for a malformed event or an interface
  // none of its locators uses.
  [[nodiscard]] std::vector<LinkEvent> link_events() const;
  // The node's configuration, as "section.key" -> value.
  [[nodiscard]] std::map<std::string, std::string> ini() const;

 private:
  // (locator, interface) of each locator, in first-use order.
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> bindings() const;
};

struct Plan {
  std::string source;  // the .topo or .exp file
  bool is_experiment{false};
  std::string name, description, topology, topology_path;
  std::vector<PlanNode> nodes;  // in topology file order
  std::vector<std::pair<std::string, std::string>> flows;  // sender, receiver
  std::string port{"1000"};
  double interval_s{0.01};
  int size{1396};
  std::optional<double> run_time_s;  // the senders' time (an experiment)
  double settle_s{1.0};
  double progress_s{0};

  // Who starts when, for every runner of a plan (`ilnp sim`, the testbed):
  // routers, then the other non-senders, then, settle_s later, the senders
  // (none for a topology alone); each group in file order.
  struct StartGroups {
    std::vector<std::string> routers, others, senders;
  };
  [[nodiscard]] StartGroups start_groups() const;
  // Senders still running run_time + this after they started are stopped;
  // receivers then get kReceiverGrace_s to stop on the end marker.
  static constexpr double kSenderGrace_s = 30;
  static constexpr double kReceiverGrace_s = 10;

  [[nodiscard]] const PlanNode* find(const std::string& name) const;
  // experiment.json's description of the run, as
  // fields of the object `w` is writing.
  void write_meta(JsonWriter& w) const;
  // `ilnp sim --plan`: {"meta": ..., "nodes": {NAME: {SECTION.KEY: VALUE}},
  // "run": {"source", "topology_path", "experiment", "settle_s", "programs":
  // {NAME: node|heartbeat|experiment}, "start": {"routers", "others",
  // "senders"}, "sender_grace_s", "receiver_grace_s"}}; nodes in file order.
  [[nodiscard]] std::string plan_json() const;
};

// Reads FILE (.exp or .topo, found as given or by name in experiments/ and
// topo/ of `repo`), then applies `overrides` (KEY=VALUE or NODE.KEY=VALUE, as
// scripts/experiment --set). Throws PlanError.
[[nodiscard]] Plan load_plan(const std::string& file, const std::string& repo,
                             const std::vector<std::string>& overrides = {});

// Seconds of a duration text ("20ms", "0.5s", "300us"; bare = ms).
[[nodiscard]] double duration_seconds(const std::string& text, const std::string& where);

}  // namespace ilnp::apps::sim
