// The NSS module's two pure steps, apart so unit tests reach them: which
// names it answers (HOSTNAME.ilnp) and the addresses in a node's answer to
// `resolve NAME` (its "address ..." lines). Plain C types only: the module is
// loaded into every program that looks up a host and brings no C++ runtime.
#pragma once

#include <netinet/in.h>

#include <cstddef>

namespace ilnp::nss {

inline constexpr std::size_t kMaxNameLength = 253;  // a DNS name's limit
inline constexpr int kMaxAddresses = 16;

// True for "bob.ilnp" and "bob.ilnp." (any case) whose hostname part is 1 or
// more of A-Z a-z 0-9 . _ - (nothing that could break the request line).
[[nodiscard]] bool is_overlay_name(const char* name);

// The addresses in `reply`, at most `max`; -1 when it is an error answer
// ("error: ...") or has a malformed address line.
[[nodiscard]] int parse_addresses(const char* reply, std::size_t length, in6_addr* out, int max);

}  // namespace ilnp::nss
