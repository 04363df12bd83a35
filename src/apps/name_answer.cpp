#include "name_answer.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace ilnp::apps {

namespace {

// "bob.ilnp." -> "bob": the domain (any case) and a final dot are not part of a hostname.
std::string_view hostname_of(std::string_view name) {
  if (name.ends_with('.')) name.remove_suffix(1);
  auto suffix = "." + std::string(kNameDomain);
  if (name.size() > suffix.size()) {
    auto tail = name.substr(name.size() - suffix.size());
    if (std::equal(tail.begin(), tail.end(), suffix.begin(), suffix.end(),
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }))
      name.remove_suffix(suffix.size());
  }
  return name;
}

}  // namespace

std::string seconds_text(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", to_seconds(d));
  return buf;
}

std::string resolve_answer(const Node& node, std::string_view name, Instant now) {
  std::string host(hostname_of(name));
  auto ilv = node.resolve(host, now);
  if (!ilv) return "error: " + std::string(name) + " is not known (no discovery has named it)\n";
  std::string out = "name " + host + "\nnid " + ilv->nid.to_string() + "\n";
  if (auto prefix = node.config().ip_prefix) out += "address " + Ilv{Locator{prefix->value}, ilv->nid}.to_string() + "\n";
  if (auto it = node.names().hosts().find(host); it != node.names().hosts().end())
    for (const auto& b : it->second)
      out += "locator " + b.ilv.locator.to_string() + " age " + seconds_text(now - b.seen) + " s\n";
  return out + "source discovery\n";
}

}  // namespace ilnp::apps
