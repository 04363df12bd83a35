// The keys whose value is a comma-separated list of things made at start:
// proxy.mappings, stream.serve, stream.listen. Checks each item's form and
// names the file and line of the item (continuation lines included).
#pragma once

#include <vector>

#include "config.hpp"
#include "config_values.hpp"

namespace ilnp::apps {

// Each throws ConfigError "FILE:LINE: KEY: PROBLEM"; an absent key is no items.
[[nodiscard]] std::vector<ProxyMappingConfig> read_proxy_mappings(const ConfigValues& values);
[[nodiscard]] std::vector<StreamServeConfig> read_stream_serve(const ConfigValues& values);
[[nodiscard]] std::vector<StreamListenConfig> read_stream_listen(const ConfigValues& values);

}  // namespace ilnp::apps
