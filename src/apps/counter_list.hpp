// Every counter of a running node, listed once: `ilnp ctl status` shows each
// by its key, the metrics text groups them by metric name (one HELP and TYPE
// per name, then a sample per counter with its labels). A new counter is one
// line here and appears in both.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "persist_errors.hpp"
#include "runtime.hpp"

namespace ilnp::apps {

struct NamedCounter {
  std::string key;         // "hub_sent", in ctl status
  std::string_view metric; // "ilnp_hub_datagrams_total"
  std::string labels;      // "direction=\"out\"", or empty
  std::string_view help;   // the metric's HELP text (the first counter of a metric gives it)
  std::uint64_t value{0};
};

// The samples of one metric are adjacent.
[[nodiscard]] std::vector<NamedCounter> counter_list(Runtime& rt, const std::vector<PersistError>& persist_errors);
// The links' part of it (multicast LAN, relay hubs), also the tail of the stopping summary.
[[nodiscard]] std::vector<NamedCounter> link_counter_list(const Runtime& rt);

}  // namespace ilnp::apps
