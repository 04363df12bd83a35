// Finds the node's socket (by --socket, --node HOSTNAME, or the only one
// running), sends one request and prints the answer.
#include "ctl.hpp"

#include <filesystem>
#include <iostream>

#include <boost/program_options.hpp>

#include "control_commands.hpp"
#include "ilnp/io/control_server.hpp"

namespace po = boost::program_options;

namespace ilnp::apps {

namespace {

std::string find_socket(const po::variables_map& vm) {
  if (vm.count("socket")) return vm["socket"].as<std::string>();
  return find_control_socket(vm.count("node") ? std::optional(vm["node"].as<std::string>()) : std::nullopt);
}

}  // namespace

int run_ctl(int argc, char** argv) {
  po::options_description desc("usage: ilnp ctl [--node HOSTNAME | --socket PATH] [--json] COMMAND\n\n"
                               "Commands:\n"
                               "  status              joined locators, routes, names, correspondents, counters\n"
                               "  move LOCATORS       move now, e.g. move 0:0:0:c or move 0:0:0:b,0:0:0:c\n"
                               "  proxy add LOCAL_PORT REMOTE REMOTE_PORT\n"
                               "                      map a local UDP port to REMOTE (hostname, NID or\n"
                               "                      locator:NID); prints the proxy's port\n"
                               "  proxy list          mappings and their counters\n"
                               "  metrics             counters in the Prometheus text format\n"
                               "  peers, bindings     what the state database (state.db) holds\n"
                               "  proxy remove LOCAL_PORT\n"
                               "  stream listen LOCAL_TCP_PORT REMOTE SERVICE\n"
                               "                      carry TCP connections to 127.0.0.1:LOCAL_TCP_PORT to\n"
                               "                      SERVICE on REMOTE (hostname, NID or locator:NID)\n"
                               "  stream serve SERVICE TCP_HOST:TCP_PORT\n"
                               "                      connect streams for SERVICE to TCP_HOST:TCP_PORT\n"
                               "  stream list         listeners, services, peers, streams and bytes each way\n"
                               "  stream unlisten LOCAL_TCP_PORT | stream unserve SERVICE\n\n"
                               "Options");
  desc.add_options()("help,h", "show this help")("node", po::value<std::string>()->value_name("HOSTNAME"),
                                                 "the node's hostname (its socket is HOSTNAME.sock)")(
      "socket", po::value<std::string>()->value_name("PATH"), "the node's control socket")(
      "json", "machine-readable output")("command", po::value<std::vector<std::string>>(), "");
  po::positional_options_description positional;
  positional.add("command", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(desc).positional(positional).run(), vm);
  if (vm.count("help") || !vm.count("command")) {
    std::cout << desc;
    return vm.count("help") ? 0 : 2;
  }
  auto words = vm["command"].as<std::vector<std::string>>();
  std::string request;
  for (const auto& w : words) request += (request.empty() ? "" : " ") + w;
  if (vm.count("json")) request += " --json";
  auto answer = io::control_request(find_socket(vm), request);
  std::cout << answer;
  return answer.starts_with("error:") ? 1 : 0;
}

}  // namespace ilnp::apps
