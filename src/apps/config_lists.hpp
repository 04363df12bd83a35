// The keys whose value is a comma-separated list of things made at start:
// proxy.mappings, stream.serve, stream.listen. Checks each item's form and
// names the file and line of the item (continuation lines included).
#pragma once

#include <span>
#include <string>
#include <variant>
#include <vector>

#include "config.hpp"
#include "config_values.hpp"
#include "ilnp/core/proxy/peer_allow_list.hpp"

namespace ilnp::apps {

// Each throws ConfigError "FILE:LINE: KEY: PROBLEM"; an absent key is no items.
[[nodiscard]] std::vector<ProxyMappingConfig> read_proxy_mappings(const ConfigValues& values);
[[nodiscard]] std::vector<StreamServeConfig> read_stream_serve(const ConfigValues& values);
[[nodiscard]] std::vector<StreamListenConfig> read_stream_listen(const ConfigValues& values);

// The words after `stream serve SERVICE TCP_HOST:TCP_PORT` (and after a
// stream.serve item's target): none (any peer) or "allow PEER...", each PEER
// a hostname or NID. The problem otherwise.
[[nodiscard]] std::variant<proxy::PeerAllowList, std::string> parse_serve_allow(std::span<const std::string> words);

}  // namespace ilnp::apps
