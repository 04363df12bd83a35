// The built-in stream gateway (io::StreamGateway) for the control socket:
// `stream listen|serve|unlisten|unserve|list`. The gateway, and usrsctp with
// it, starts on the first listener or service.
#pragma once

#include <memory>
#include <sstream>
#include <string>

#include "ilnp/io/sctp_gateway.hpp"
#include "runtime.hpp"

namespace ilnp::apps {

class StreamService {
 public:
  explicit StreamService(Runtime& runtime);
  ~StreamService();

  // The words after "stream"; the answer, errors starting with "error: ".
  [[nodiscard]] std::string handle(std::istringstream& request);

 private:
  // Starts the gateway if needed; an error message if it cannot start.
  [[nodiscard]] std::optional<std::string> start();
  [[nodiscard]] std::string list(bool json);
  // Once per node: an allow-list keeps out honest peers only unless the
  // datagrams' source NIDs are authenticated (secure mode with encryption).
  void warn_if_unauthenticated(const proxy::PeerAllowList& allow);

  Runtime& rt_;
  std::unique_ptr<io::StreamGateway> gateway_;
  bool unauthenticated_warned_{false};
};

}  // namespace ilnp::apps
