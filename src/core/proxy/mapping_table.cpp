// Mapping table and the text form of remotes.
#include "ilnp/core/proxy/mapping_table.hpp"

#include "ilnp/core/wire/messages.hpp"

namespace ilnp::proxy {

std::optional<Remote> Remote::parse(const std::string& text) {
  if (auto nid = Nid::parse(text)) return Remote{*nid};
  // locator:NID is eight groups: split after the fourth colon.
  std::size_t colons = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != ':' || ++colons != 4) continue;
    auto locator = Locator::parse(text.substr(0, i));
    auto nid = Nid::parse(text.substr(i + 1));
    if (locator && nid) return Remote{Ilv{*locator, *nid}};
    return std::nullopt;
  }
  if (colons > 0 || text.empty() || text.size() > 255 || !wire::is_clean_utf8(text)) return std::nullopt;
  return Remote{text};
}

std::string Remote::to_string() const {
  if (auto* host = std::get_if<std::string>(&target)) return *host;
  if (auto* nid = std::get_if<Nid>(&target)) return nid->to_string();
  return std::get<Ilv>(target).to_string();
}

std::string_view to_string(AddError e) {
  switch (e) {
    case AddError::port_zero: return "port 0 cannot be mapped";
    case AddError::already_mapped: return "local port is already mapped";
    case AddError::table_full: return "too many mappings";
  }
  return "?";
}

std::optional<AddError> MappingTable::add(Port local_port, Remote remote, Port remote_port) {
  if (local_port == 0 || remote_port == 0) return AddError::port_zero;
  if (mappings_.contains(local_port)) return AddError::already_mapped;
  if (mappings_.size() >= kMaxMappings) return AddError::table_full;
  mappings_.emplace(local_port, Mapping{local_port, std::move(remote), remote_port, {}, false, false});
  return std::nullopt;
}

bool MappingTable::remove(Port local_port) { return mappings_.erase(local_port) > 0; }

Mapping* MappingTable::find(Port local_port) {
  auto it = mappings_.find(local_port);
  return it == mappings_.end() ? nullptr : &it->second;
}

}  // namespace ilnp::proxy
