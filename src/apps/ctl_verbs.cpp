// A verb missing here cannot be sent: a new control request needs a row.
#include "ctl_verbs.hpp"

#include <algorithm>

namespace ilnp::apps {

namespace {

constexpr CtlVerb kVerbs[] = {
    {"status", "", 0, false, true, "joined locators, routes, names, correspondents, counters", ""},
    {"move", "LOCATORS", 1, false, false, "move now, e.g. move 0:0:0:c or move 0:0:0:b,0:0:0:c",
     "LOCATORS is one set of up to 16 locators separated by commas, without spaces, checked as\n"
     "network.locators is (no duplicates, not ff02:0:0:1). The node joins the new set, sends\n"
     "locator updates to its active correspondents and leaves the old set after handoff_time."},
    {"resolve", "NAME", 1, false, false, "what the node knows of a hostname: NID, address, locators, source",
     "NAME is a hostname, with or without the .ilnp domain (bob or bob.ilnp). The address line\n"
     "(with [tun] enable) is what programs get for bob.ilnp through the NSS module."},
    {"metrics", "", 0, false, false, "counters in the Prometheus text format", ""},
    {"peers", "", 0, false, true, "the peers the state database (state.db) holds", ""},
    {"bindings", "", 0, false, true, "the NID-locator bindings the state database holds", ""},
    {"proxy add", "LOCAL_PORT REMOTE REMOTE_PORT", 3, false, false,
     "map a local UDP port to REMOTE's REMOTE_PORT; prints the proxy's port",
     "REMOTE is a hostname (resolved through discovery on every datagram, so it follows a\n"
     "moving peer), a NID (ffff:0:0:b) or LOCATOR:NID. Datagrams a local program sends from\n"
     "LOCAL_PORT to the proxy's port go to REMOTE; its answers come back to LOCAL_PORT.\n"
     "At start: [proxy] mappings = LOCAL_PORT REMOTE REMOTE_PORT, ..."},
    {"proxy list", "", 0, false, true, "the proxy's port, its mappings and their counters", ""},
    {"proxy remove", "LOCAL_PORT", 1, false, false, "remove the mapping of LOCAL_PORT", ""},
    {"stream listen", "LOCAL_TCP_PORT REMOTE SERVICE", 3, false, false,
     "carry TCP connections to 127.0.0.1:LOCAL_TCP_PORT to SERVICE on REMOTE",
     "REMOTE is a hostname, a NID (ffff:0:0:b) or LOCATOR:NID; SERVICE is a name REMOTE\n"
     "serves (stream serve). At start: [stream] listen = LOCAL_TCP_PORT REMOTE SERVICE, ..."},
    {"stream serve", "SERVICE TCP_HOST:TCP_PORT [allow PEER...]", 2, true, false,
     "connect streams for SERVICE to TCP_HOST:TCP_PORT",
     "SERVICE is 1-64 characters of A-Z a-z 0-9 . _ -. Any overlay node may open it, or\n"
     "with allow only the PEERs listed: hostnames or NIDs (ffff:0:0:b). A hostname allows\n"
     "the NID discovery binds it to when the stream opens. Others' streams are refused and\n"
     "counted (refused_not_allowed in stream list). It is access control only in secure mode\n"
     "with security.encrypt = true; otherwise NIDs are not authenticated and it keeps out\n"
     "honest peers only.\n"
     "At start: [stream] serve = SERVICE TCP_HOST:TCP_PORT [allow PEER...], ..."},
    {"stream list", "", 0, false, true, "listeners, services, peers, streams and bytes each way", ""},
    {"stream unlisten", "LOCAL_TCP_PORT", 1, false, false, "close the listener on LOCAL_TCP_PORT", ""},
    {"stream unserve", "SERVICE", 1, false, false, "stop serving SERVICE", ""},
};

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    auto space = text.find(' ');
    out.push_back(text.substr(0, space));
    text = space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
  }
  return out;
}

}  // namespace

std::span<const CtlVerb> ctl_verbs() { return kVerbs; }

const CtlVerb* find_ctl_verb(const std::vector<std::string>& words) {
  for (const auto& verb : kVerbs) {
    auto need = split_words(verb.words);
    if (words.size() >= need.size() && std::equal(need.begin(), need.end(), words.begin())) return &verb;
  }
  return nullptr;
}

std::vector<const CtlVerb*> ctl_verb_group(std::string_view group) {
  std::vector<const CtlVerb*> out;
  for (const auto& verb : kVerbs)
    if (split_words(verb.words).front() == group) out.push_back(&verb);
  return out;
}

std::string ctl_usage_line(const CtlVerb& verb) {
  std::string line(verb.words);
  if (!verb.args.empty()) line += " " + std::string(verb.args);
  if (verb.json) line += " [--json]";
  return line;
}

std::string ctl_verb_list(const std::vector<const CtlVerb*>& verbs) {
  std::string out;
  for (const auto* verb : verbs) {
    auto line = "  " + ctl_usage_line(*verb);
    // The summary beside a short usage, else on the next line.
    if (line.size() < 30) out += line + std::string(30 - line.size(), ' ') + std::string(verb->summary) + "\n";
    else out += line + "\n" + std::string(30, ' ') + std::string(verb->summary) + "\n";
  }
  return out;
}

std::string ctl_verb_help(const CtlVerb& verb) {
  std::string out = std::string(kCtlUsagePrefix) + ctl_usage_line(verb) + "\n\n" + std::string(verb.summary) + "\n";
  if (!verb.details.empty()) out += "\n" + std::string(verb.details) + "\n";
  return out;
}

}  // namespace ilnp::apps
