// Which overlay peers may open a served stream service: a list of hostnames
// and NIDs, or, when empty, any peer. A hostname admits the NID the name
// cache binds it to (its freshest live binding) when the stream opens, so it
// follows a peer that restarts with a new NID and admits nobody while the
// name is unknown. Only as strong as the NIDs: in legacy mode they are not
// authenticated. Knows nothing of sockets or streams.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "ilnp/core/discovery/name_cache.hpp"
#include "ilnp/core/time.hpp"
#include "ilnp/core/types.hpp"

namespace ilnp::proxy {

class PeerAllowList {
 public:
  static constexpr std::size_t kMaxEntries = 64;

  PeerAllowList() = default;  // any peer

  // Each word a hostname ("bob") or a NID ("ffff:0:0:b"), at most
  // kMaxEntries, none twice; the problem otherwise. No words: any peer.
  [[nodiscard]] static std::variant<PeerAllowList, std::string> parse(std::span<const std::string> words);

  [[nodiscard]] bool any_peer() const { return entries_.empty(); }
  [[nodiscard]] bool admits(Nid peer, const discovery::NameCache& names, Instant now) const;
  // The entries as given (NIDs in their canonical form); none for any peer.
  [[nodiscard]] std::vector<std::string> words() const;
  // The words separated by spaces.
  [[nodiscard]] std::string to_string() const;

 private:
  using Entry = std::variant<std::string, Nid>;  // a hostname or a NID
  std::vector<Entry> entries_;
};

}  // namespace ilnp::proxy
