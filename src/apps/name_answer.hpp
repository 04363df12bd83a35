// What a node says about a hostname, for `ilnp ctl resolve NAME` and the
// names socket that the NSS module (src/nss) asks on behalf of programs.
#pragma once

#include <string>
#include <string_view>

#include "ilnp/core/node/node.hpp"

namespace ilnp::apps {

// The domain programs use for overlay hostnames: "bob.ilnp".
inline constexpr std::string_view kNameDomain = "ilnp";

// What the node knows of NAME ("bob" or "bob.ilnp"), one fact per line:
//   name bob / nid ffff:0:0:b / address PREFIX:NID (with [tun]) /
//   locator 0:0:0:a age 1.2 s (each binding) / source discovery
// or "error: ..." when it knows nothing. The NSS module reads the "address"
// lines, so their form is an interface.
[[nodiscard]] std::string resolve_answer(const Node& node, std::string_view name, Instant now);

// "1.5" for 1500 ms: ages in control answers, one decimal.
[[nodiscard]] std::string seconds_text(Duration d);

}  // namespace ilnp::apps
