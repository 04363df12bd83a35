// The requests `ilnp ctl` can send: their words, arguments and help, in one
// table that the generic help, each verb's --help and the argument count
// check all read. Knows nothing of sockets or of how the node answers.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ilnp::apps {

struct CtlVerb {
  std::string_view words;  // "proxy add"
  std::string_view args;   // "LOCAL_PORT REMOTE REMOTE_PORT", as in the usage line
  std::size_t arg_count;   // how many words follow `words`
  bool more_args;          // more may follow (an optional list the node checks)
  bool json;               // takes --json
  std::string_view summary;
  std::string_view details;  // for the verb's own --help; may be empty
};

[[nodiscard]] std::span<const CtlVerb> ctl_verbs();

// The verb that `words` (the request's words, --json removed) starts with,
// or nullptr.
[[nodiscard]] const CtlVerb* find_ctl_verb(const std::vector<std::string>& words);
// Every verb whose first word is `group` ("proxy" -> add, list, remove).
[[nodiscard]] std::vector<const CtlVerb*> ctl_verb_group(std::string_view group);

// "proxy add LOCAL_PORT REMOTE REMOTE_PORT" (with " [--json]" if it takes it).
[[nodiscard]] std::string ctl_usage_line(const CtlVerb& verb);
// The list of every verb for `ilnp ctl --help`, or of one group's.
[[nodiscard]] std::string ctl_verb_list(const std::vector<const CtlVerb*>& verbs);
// A verb's own help: its usage, summary and details.
[[nodiscard]] std::string ctl_verb_help(const CtlVerb& verb);

inline constexpr std::string_view kCtlUsagePrefix = "usage: ilnp ctl [--node HOSTNAME | --socket PATH] ";

}  // namespace ilnp::apps
