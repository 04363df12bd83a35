// The stream services this node serves (a name -> a TCP target and the peers
// it allows) and the admission of a peer's OPEN: the service to connect, or
// why it is refused, counted per service. No sockets: the io gateway
// connects what is admitted.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include "ilnp/core/discovery/name_cache.hpp"
#include "ilnp/core/proxy/peer_allow_list.hpp"
#include "ilnp/core/time.hpp"
#include "ilnp/core/types.hpp"

namespace ilnp::stream {

struct Service {
  std::string name;
  std::string host;
  Port port{0};
  proxy::PeerAllowList allowed;
  std::uint64_t accepted{0};
  std::uint64_t failed{0};
  std::uint64_t refused{0};  // of failed: opened by a peer the allow-list does not admit
  std::string last_error;
};

struct Refusal {
  std::string why;
  bool not_allowed{false};  // by the service's allow-list
};

class Services {
 public:
  static constexpr std::size_t kMax = 64;

  // An error message, or nothing when added.
  [[nodiscard]] std::optional<std::string> add(std::string name, std::string host, Port port,
                                               proxy::PeerAllowList allowed);
  [[nodiscard]] bool remove(const std::string& name) { return services_.erase(name) > 0; }
  // A peer's OPEN for `name` on this node (`hostname`); `full`: the gateway
  // has no room for another connection.
  [[nodiscard]] std::variant<const Service*, Refusal> admit(const std::string& name, Nid peer,
                                                            const discovery::NameCache& names, Instant now,
                                                            const std::string& hostname, bool full);
  // A connection to the service ended with `error`.
  void record_failure(const std::string& name, const std::string& error);
  [[nodiscard]] const std::map<std::string, Service>& all() const { return services_; }

 private:
  std::map<std::string, Service> services_;
};

}  // namespace ilnp::stream
