// UDP addresses for the relay hub: "host:port" / "[v6]:port" text to a
// dual-stack sockaddr_in6 (IPv4 as v4-mapped), and to the core's Endpoint.
#pragma once

#include <netinet/in.h>

#include <string>

#include "ilnp/core/hub/membership.hpp"

namespace ilnp::io {

// Resolves "hub.example.org:10010", "127.0.0.1:10010" or "[::]:10010"
// (`passive`: for bind). Throws std::runtime_error naming the text.
[[nodiscard]] sockaddr_in6 resolve_udp(const std::string& host_port, bool passive = false);
[[nodiscard]] hub::Endpoint to_endpoint(const sockaddr_in6& address);
[[nodiscard]] sockaddr_in6 to_sockaddr(const hub::Endpoint& endpoint);
// A dual-stack non-blocking UDP socket bound to `address`; throws std::system_error.
[[nodiscard]] int open_dual_stack_udp(const sockaddr_in6& address);

}  // namespace ilnp::io
