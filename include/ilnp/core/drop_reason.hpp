// Every reason the core refuses a datagram, one counter each.
// Owns the closed set and the names used in logs, metrics and proto/vectors.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace ilnp {

enum class DropReason : std::size_t {
  // Malformed bytes (proto/README.md, "Validation").
  short_header,
  payload_length_mismatch,
  datagram_too_large,
  truncated_discovery,
  bad_discovery_flag,
  empty_hostname,
  hostname_too_long,
  hostname_not_utf8,
  truncated_locator_update,
  bad_locator_update_flag,
  bad_locator_update_length,
  too_many_locators,
  truncated_transport,
  unknown_next_header,
  truncated_secure_message,
  // Secure mode: well-formed but not authentic, not fresh, or not for us.
  bad_signature,
  nid_key_mismatch,
  pinned_key_mismatch,
  hostname_taken,
  table_full,
  stale_message,
  unauthenticated,
  no_peer_key,
  decrypt_failed,
  replayed_datagram,
  // Well-formed but not for us, or not deliverable.
  own_packet,
  not_joined,
  no_route,
  hop_limit_exceeded,
  same_link,
  port_unbound,
  duplicate_flood,
  handoff_duplicate,
  unknown_host,
  duplicate_forward,
  payload_too_large,
  // Well-formed but over a budget: a solicitation left unanswered, a flood not relayed.
  rate_limited,
  // IP packets over the overlay (proto/README.md section 13): from the TUN, or for it.
  ip_too_short,
  ip_not_ipv6,
  ip_bad_length,
  ip_not_carried,
  ip_spoofed_source,
  ip_unsupported_next_header,
  ip_too_big,
  count_,
};

inline constexpr std::size_t kDropReasonCount = static_cast<std::size_t>(DropReason::count_);

[[nodiscard]] constexpr std::string_view to_string(DropReason r) {
  constexpr std::array<std::string_view, kDropReasonCount> names{
      "short_header",       "payload_length_mismatch", "datagram_too_large", "truncated_discovery",
      "bad_discovery_flag", "empty_hostname",          "hostname_too_long",  "hostname_not_utf8",
      "truncated_locator_update", "bad_locator_update_flag", "bad_locator_update_length",
      "too_many_locators",  "truncated_transport",     "unknown_next_header", "truncated_secure_message",
      "bad_signature",      "nid_key_mismatch",        "pinned_key_mismatch", "hostname_taken",     "table_full",     "stale_message",
      "unauthenticated",    "no_peer_key",             "decrypt_failed",     "replayed_datagram",
      "own_packet",
      "not_joined",         "no_route",                "hop_limit_exceeded", "same_link",
      "port_unbound",       "duplicate_flood",         "handoff_duplicate",  "unknown_host",       "duplicate_forward",
      "payload_too_large",  "rate_limited",
      "ip_too_short",       "ip_not_ipv6",             "ip_bad_length",      "ip_not_carried",
      "ip_spoofed_source",  "ip_unsupported_next_header", "ip_too_big",
  };
  return names[static_cast<std::size_t>(r)];
}

}  // namespace ilnp
