// The local UDP proxy's mappings: a local program's UDP port <-> a remote
// (hostname, NID, or locator:NID) and port on the overlay. Owns the table, its
// caps and per-mapping counters; knows nothing of sockets.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include "ilnp/core/time.hpp"
#include "ilnp/core/types.hpp"

namespace ilnp::proxy {

// Where a mapping sends: a hostname (resolved through discovery on every
// send, so it follows a moving peer), a NID, or an explicit locator:NID.
struct Remote {
  std::variant<std::string, Nid, Ilv> target;

  // "bob", "ffff:0:0:b" (a NID) or "0:0:0:b:ffff:0:0:b" (locator:NID).
  [[nodiscard]] static std::optional<Remote> parse(const std::string& text);
  [[nodiscard]] std::string to_string() const;
};

struct MappingStats {
  std::uint64_t datagrams_out{0};  // local program -> overlay
  std::uint64_t bytes_out{0};
  std::uint64_t datagrams_in{0};  // overlay -> local program
  std::uint64_t bytes_in{0};
  std::uint64_t too_large{0};
  std::uint64_t unresolved{0};
  std::uint64_t no_route{0};
};

struct Mapping {
  Port local_port{0};
  Remote remote;
  Port remote_port{0};
  MappingStats stats;
  // Problems are logged once per mapping until they clear.
  bool too_large_reported{false};
  bool unresolved_reported{false};
};

enum class AddError { port_zero, already_mapped, table_full };
[[nodiscard]] std::string_view to_string(AddError e);

class MappingTable {
 public:
  static constexpr std::size_t kMaxMappings = 1024;

  // Returns the error, or nothing when the mapping was added.
  [[nodiscard]] std::optional<AddError> add(Port local_port, Remote remote, Port remote_port);
  bool remove(Port local_port);
  [[nodiscard]] Mapping* find(Port local_port);
  [[nodiscard]] const std::map<Port, Mapping>& all() const { return mappings_; }

 private:
  std::map<Port, Mapping> mappings_;
};

}  // namespace ilnp::proxy
