// The allow-list of a served stream service: its text form and the check.
#include "ilnp/core/proxy/peer_allow_list.hpp"

#include <algorithm>

#include "ilnp/core/proxy/mapping_table.hpp"

namespace ilnp::proxy {

std::variant<PeerAllowList, std::string> PeerAllowList::parse(std::span<const std::string> words) {
  if (words.size() > kMaxEntries) return "at most " + std::to_string(kMaxEntries) + " peers may be allowed";
  PeerAllowList list;
  for (const auto& word : words) {
    // The hostnames and NIDs a REMOTE may be; an allow-list names peers, not where they are.
    auto remote = Remote::parse(word);
    if (!remote || std::holds_alternative<Ilv>(remote->target))
      return "'" + word + "' is not a hostname or NID (ffff:0:0:b)";
    auto entry = std::holds_alternative<Nid>(remote->target) ? Entry{std::get<Nid>(remote->target)}
                                                             : Entry{std::get<std::string>(remote->target)};
    if (std::ranges::find(list.entries_, entry) != list.entries_.end()) return "'" + word + "' is allowed twice";
    list.entries_.push_back(std::move(entry));
  }
  return list;
}

bool PeerAllowList::admits(Nid peer, const discovery::NameCache& names, Instant now) const {
  if (entries_.empty()) return true;
  return std::ranges::any_of(entries_, [&](const Entry& e) {
    if (const auto* nid = std::get_if<Nid>(&e)) return *nid == peer;
    auto bound = names.resolve(std::get<std::string>(e), now);
    return bound && bound->nid == peer;
  });
}

std::vector<std::string> PeerAllowList::words() const {
  std::vector<std::string> out;
  for (const auto& e : entries_) {
    const auto* host = std::get_if<std::string>(&e);
    out.push_back(host ? *host : std::get<Nid>(e).to_string());
  }
  return out;
}

std::string PeerAllowList::to_string() const {
  std::string out;
  for (const auto& word : words()) out += (out.empty() ? "" : " ") + word;
  return out;
}

}  // namespace ilnp::proxy
