// `ilnp`: one executable, one subcommand per role. Option parsing and error
// reporting live here; exceptions end the program with a message, never a crash.
#include <algorithm>
#include <iostream>
#include <sstream>

#include <boost/program_options.hpp>

#include "applications.hpp"
#include "config.hpp"
#include "control_commands.hpp"
#include "ctl.hpp"
#include "hub.hpp"
#include "identity_file.hpp"
#include <unistd.h>
#include "proxy_service.hpp"
#include "runtime.hpp"
#include "sim_command.hpp"
#include "stream_service.hpp"
#include "version.hpp"

namespace po = boost::program_options;

namespace {

constexpr const char* kShortUsage =
    "usage: ilnp COMMAND [-c FILE] [--section.key=VALUE ...]  (ilnp help lists the commands)\n";

constexpr const char* kUsage = R"(usage: ilnp COMMAND [-c FILE] [--section.key=VALUE ...]

Commands:
  node         run an overlay node (a host or a router, as the config says)
  heartbeat    node + heartbeat application: a message a second to the remote
  experiment   node + throughput experiment; ends with a JSON summary line
  ctl          ask a running node: status, move LOCATORS (ilnp ctl --help)
  id           show (creating it on first use) a node's identity: NID and public key
  sim          run a topology or experiment file in the simulator, virtual time (ilnp sim --help)
  hub          run a relay hub: locators backed by a hub instead of a multicast group
               (ilnp hub --help)
  help [COMMAND [SUBCOMMAND]]
               this help, or a command's (ilnp help ctl move)
  version      the version and git commit (also ilnp --version)

Every command takes the prototype's INI file (-c) and any key on the command
line, which wins over the file. `ilnp COMMAND --help` lists every key.
)";

// [stream] serve and listen, made as `ilnp ctl stream ...` makes them, so
// they share its checks; a refusal names the item's FILE:LINE.
void start_configured_streams(ilnp::apps::StreamService& streams, const ilnp::apps::Config& config) {
  auto make = [&streams](const std::string& request, const std::string& origin, const char* key) {
    std::istringstream in(request);
    auto answer = streams.handle(in);
    if (answer.starts_with("error: "))
      throw ilnp::apps::ConfigError(origin + ": " + key + ": " + answer.substr(7, answer.find_last_not_of('\n') - 6));
  };
  for (const auto& s : config.stream_serve)
    make("serve " + s.service + " " + s.target + (s.allow.empty() ? "" : " allow " + s.allow), s.origin,
         "stream.serve");
  for (const auto& l : config.stream_listen)
    make("listen " + l.tcp_port + " " + l.remote + " " + l.service, l.origin, "stream.listen");
}

int run_command(const std::string& command, int argc, char** argv) {
  po::options_description general("Options");
  general.add_options()("help,h", "show this help")("config,c", po::value<std::string>()->value_name("FILE"),
                                                    "INI configuration file (the prototype's format)");
  auto keys = ilnp::apps::config_options();
  po::options_description all;
  all.add(general).add(keys);
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(all).run(), vm);
  if (vm.count("help")) {
    std::cout << "usage: ilnp " << command << " [-c FILE] [--section.key=VALUE ...]\n\n" << general << "\n" << keys;
    return 0;
  }
  std::vector<std::pair<std::string, std::string>> given;
  for (const auto& option : keys.options()) {
    const auto& name = option->long_name();
    if (vm.count(name) && !vm[name].defaulted()) given.emplace_back(name, vm[name].as<std::string>());
  }
  std::optional<std::string> file;
  if (vm.count("config")) file = vm["config"].as<std::string>();

  auto config = ilnp::apps::load_config(file, given);
  auto control_path = config.control_socket.empty()
                          ? ilnp::apps::default_control_dir() + "/" + config.node.hostname + ".sock"
                          : config.control_socket;
  ilnp::apps::Runtime runtime(std::move(config));
  ilnp::apps::ProxyService proxy(runtime);
  ilnp::apps::StreamService streams(runtime);
  start_configured_streams(streams, runtime.config());
  ilnp::apps::Metrics metrics(runtime, proxy);
  ilnp::apps::ControlTargets targets{runtime, proxy, streams, metrics};
  runtime.serve_control(control_path,
                        [&targets](const std::string& r) { return ilnp::apps::handle_control_request(targets, r); });
  std::unique_ptr<ilnp::apps::Application> app;
  if (command == "heartbeat") app = ilnp::apps::attach_heartbeat(runtime);
  if (command == "experiment") app = ilnp::apps::attach_experiment(runtime);
  return runtime.run();
}

// `ilnp id`: the identity a secure node with this hostname (or state dir) uses.
int run_id(int argc, char** argv) {
  po::options_description desc("usage: ilnp id [--hostname HOST | --state-dir DIR]\n\nOptions");
  desc.add_options()("help,h", "show this help")("hostname", po::value<std::string>(),
                                                 "the node's hostname (default: this machine's)")(
      "state-dir", po::value<std::string>(), "the node's state directory (default: from the hostname)");
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
  if (vm.count("help")) {
    std::cout << desc;
    return 0;
  }
  std::string dir;
  if (vm.count("state-dir")) {
    dir = vm["state-dir"].as<std::string>();
  } else {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    std::string name = vm.count("hostname") ? vm["hostname"].as<std::string>() : host;
    // The hostname names the directory: the rule the node applies to discovery.hostname.
    if (!ilnp::apps::valid_own_hostname(name))
      throw ilnp::apps::ConfigError("hostname '" + name + "' " + ilnp::apps::kOwnHostnameRule);
    dir = ilnp::apps::default_state_dir(name);
  }
  auto identity = ilnp::apps::load_or_create_identity(dir);
  std::cout << "nid " << identity.nid().to_string() << "\npublic_key "
            << ilnp::security::to_hex(identity.public_key()) << "\nfile " << dir << "/identity.key\n";
  return 0;
}

constexpr const char* kCommands[] = {"node", "heartbeat", "experiment", "ctl", "id", "sim", "hub"};

bool is_command(const std::string& name) {
  return std::find(std::begin(kCommands), std::end(kCommands), name) != std::end(kCommands);
}

int dispatch(const std::string& command, int argc, char** argv) {
  if (command == "ctl") return ilnp::apps::run_ctl(argc, argv);
  if (command == "id") return run_id(argc, argv);
  if (command == "sim") return ilnp::apps::run_sim(argc, argv);
  if (command == "hub") return ilnp::apps::run_hub(argc, argv);
  return run_command(command, argc, argv);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kShortUsage;
    return 2;
  }
  std::string command = argv[1];
  if (command == "--help" || command == "-h" || (command == "help" && argc == 2)) {
    std::cout << kUsage;
    return 0;
  }
  if (command == "--version" || command == "version") {
    std::cout << ilnp::apps::version_text() << "\n";
    return 0;
  }
  // `ilnp help ctl move` is `ilnp ctl move --help`.
  std::vector<std::string> words(argv + 1, argv + argc);
  if (command == "help") {
    words.erase(words.begin());
    words.push_back("--help");
    command = words.front();
  }
  if (!is_command(command)) {
    std::cerr << "ilnp: unknown command '" << command << "'\n" << kShortUsage;
    return 2;
  }
  std::vector<char*> args;
  for (auto& w : words) args.push_back(w.data());
  args.push_back(nullptr);
  try {
    return dispatch(command, static_cast<int>(words.size()), args.data());
  } catch (const ilnp::apps::ConfigError& e) {
    std::cerr << "ilnp " << command << ": configuration error: " << e.what() << "\n";
  } catch (const po::error& e) {
    std::cerr << "ilnp " << command << ": " << e.what() << " (see ilnp " << command << " --help)\n";
    return 2;  // a usage error, as an unknown command
  } catch (const std::exception& e) {
    std::cerr << "ilnp " << command << ": " << e.what() << "\n";
  }
  return 1;
}
