// Payload codecs: discovery (43), locator update (44), skinny transport (42).
// Each decoder validates fully or returns the DropReason; no policy here.
#pragma once

#include <string>
#include <vector>

#include "ilnp/core/result.hpp"
#include "ilnp/core/types.hpp"
#include "ilnp/core/wire/bytes.hpp"

namespace ilnp::wire {

struct Discovery {
  Nid nid;
  Locator locator;
  bool solicitation{false};
  std::string hostname;
};

// Errors: truncated_discovery, bad_discovery_flag, empty_hostname,
// hostname_too_long, hostname_not_utf8.
[[nodiscard]] Result<Discovery> decode_discovery(Bytes payload);
[[nodiscard]] Buffer encode_discovery(const Discovery& message);

// Well-formed UTF-8 without control characters (proto/README.md).
[[nodiscard]] bool is_clean_utf8(std::string_view text);

struct LocatorUpdate {
  bool is_ack{false};
  std::vector<Locator> locators;  // empty for an ack
};

// Errors: truncated_locator_update, bad_locator_update_flag,
// bad_locator_update_length, too_many_locators.
[[nodiscard]] Result<LocatorUpdate> decode_locator_update(Bytes payload);
[[nodiscard]] Buffer encode_locator_update(const LocatorUpdate& message);

struct TransportSegment {
  Port source_port{0};
  Port destination_port{0};
  Bytes data;  // a view into the decoded payload
};

// Errors: truncated_transport.
[[nodiscard]] Result<TransportSegment> decode_transport(Bytes payload);
[[nodiscard]] Buffer encode_transport(Port source_port, Port destination_port, Bytes data);

}  // namespace ilnp::wire
