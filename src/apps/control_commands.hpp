// What the control socket answers: `status [--json]`, `move LOCATORS`,
// `resolve NAME`, `proxy add|list|remove`, `stream ...` and `metrics`. Reads the node through its public accessors.
#pragma once

#include <string>

#include "control_paths.hpp"  // default_control_dir(), for the node and ctl
#include "metrics.hpp"
#include "proxy_service.hpp"
#include "runtime.hpp"
#include "stream_service.hpp"

namespace ilnp::apps {

// Answers one request line. Errors start with "error: ".
struct ControlTargets {
  Runtime& runtime;
  ProxyService& proxy;
  StreamService& streams;
  const Metrics& metrics;
};

[[nodiscard]] std::string handle_control_request(const ControlTargets& targets, const std::string& request);

}  // namespace ilnp::apps
