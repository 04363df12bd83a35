// Finds the node's socket (by --socket, --node HOSTNAME, or the only one
// running), checks the request against the verb table, sends it and prints
// the answer: the node's errors on standard error with exit status 1, usage
// errors with 2.
#include "ctl.hpp"

#include <filesystem>
#include <iostream>

#include <boost/program_options.hpp>

#include "config.hpp"
#include "control_commands.hpp"
#include "ctl_verbs.hpp"
#include "ilnp/io/control_server.hpp"

namespace po = boost::program_options;

namespace ilnp::apps {

namespace {

constexpr int kUsageError = 2;

std::string find_socket(const po::variables_map& vm) {
  if (vm.count("socket")) return vm["socket"].as<std::string>();
  return find_control_socket(vm.count("node") ? std::optional(vm["node"].as<std::string>()) : std::nullopt);
}

int usage_error(const std::string& problem, const std::string& usage) {
  std::cerr << "ilnp ctl: " << problem << "\n" << usage;
  return kUsageError;
}

std::string short_usage() {
  return std::string(kCtlUsagePrefix) + "[--json] COMMAND  (ilnp ctl --help lists the commands)\n";
}

std::string group_usage(const std::vector<const CtlVerb*>& group) {
  return std::string(kCtlUsagePrefix) + std::string(group.front()->words.substr(0, group.front()->words.find(' '))) +
         " ...\n\n" + ctl_verb_list(group);
}

}  // namespace

int run_ctl(int argc, char** argv) {
  po::options_description options("Options");
  options.add_options()("help,h", "show this help (after a command: that command's help)")(
      "node", po::value<std::string>()->value_name("HOSTNAME"), "the node's hostname (its socket is HOSTNAME.sock)")(
      "socket", po::value<std::string>()->value_name("PATH"), "the node's control socket")(
      "json", "machine-readable output (where the command says [--json])");
  po::options_description hidden;  // the command's words: positional, never shown
  hidden.add_options()("command", po::value<std::vector<std::string>>());
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("command", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);

  std::vector<std::string> words;
  if (vm.count("command")) words = vm["command"].as<std::vector<std::string>>();
  const auto* verb = find_ctl_verb(words);
  auto group = words.empty() ? std::vector<const CtlVerb*>{} : ctl_verb_group(words.front());
  if (vm.count("help")) {
    if (verb) {
      std::cout << ctl_verb_help(*verb);
    } else if (!group.empty()) {
      std::cout << group_usage(group);
    } else if (words.empty()) {
      std::cout << kCtlUsagePrefix << "[--json] COMMAND\n\nCommands:\n"
                << ctl_verb_list([] {
                     std::vector<const CtlVerb*> every;
                     for (const auto& v : ctl_verbs()) every.push_back(&v);
                     return every;
                   }())
                << "\n`ilnp ctl COMMAND --help` shows one command's help.\n\n"
                << options;
    } else {
      return usage_error("unknown command '" + words.front() + "'", short_usage());
    }
    return 0;
  }
  if (words.empty()) return usage_error("no command given", short_usage());
  if (!verb) {
    if (!group.empty() && words.size() == 1) return usage_error("'" + words[0] + "' needs a subcommand", group_usage(group));
    if (!group.empty()) return usage_error("unknown command '" + words[0] + " " + words[1] + "'", group_usage(group));
    return usage_error("unknown command '" + words.front() + "'", short_usage());
  }
  auto verb_words = std::count(verb->words.begin(), verb->words.end(), ' ') + 1;
  auto args = words.size() - static_cast<std::size_t>(verb_words);
  if (args < verb->arg_count || (args > verb->arg_count && !verb->more_args))
    return usage_error("wrong number of arguments", std::string(kCtlUsagePrefix) + ctl_usage_line(*verb) + "\n");
  if (vm.count("node") && !valid_own_hostname(vm["node"].as<std::string>()))
    return usage_error("--node '" + vm["node"].as<std::string>() + "': a hostname " + kOwnHostnameRule, "");

  std::string request;
  for (const auto& w : words) request += (request.empty() ? "" : " ") + w;
  if (vm.count("json")) request += " --json";
  auto answer = io::control_request(find_socket(vm), request);
  if (answer.starts_with("error:")) {
    std::cerr << answer;
    return 1;
  }
  std::cout << answer;
  return 0;
}

}  // namespace ilnp::apps
