// `ilnp hub`: the relay hub server as its own subcommand. Options, the startup
// notice about its mode, and the counters at exit; the server is io/hub_server.
#include "hub.hpp"

#include <sodium.h>

#include <cmath>
#include <iostream>

#include <boost/asio/signal_set.hpp>
#include <boost/program_options.hpp>

#include "ilnp/io/clock.hpp"
#include "ilnp/io/hub_server.hpp"

namespace po = boost::program_options;

namespace ilnp::apps {

namespace {

// "0:0:0:e=KEYHEX": the locator only takes registrations signed by KEYHEX.
void add_allowed_key(hub::HubConfig& config, const std::string& item) {
  auto eq = item.find('=');
  auto locator = eq == std::string::npos ? std::nullopt : Locator::parse(item.substr(0, eq));
  auto key = eq == std::string::npos ? std::nullopt : security::from_hex<32>(item.substr(eq + 1));
  if (!locator || !key) throw po::error("--allow '" + item + "' is not LOCATOR=PUBLIC_KEY_HEX (64 hex digits)");
  config.allowed_keys[*locator].insert(*key);
}

}  // namespace

int run_hub(int argc, char** argv) {
  po::options_description desc(
      "usage: ilnp hub [--listen [::]:10010] [--legacy] [--allow LOCATOR=KEY ...]\n\n"
      "A relay hub: nodes register hub-backed locators (link.hubs or locators = LOC@HOST:PORT) and the hub\n"
      "relays each datagram to the locator's other members. Options");
  desc.add_options()("help,h", "show this help")(
      "listen", po::value<std::string>()->default_value("[::]:10010"), "UDP address and port to listen on")(
      "legacy", po::bool_switch(), "accept unsigned registrations (open hub: anyone may join any locator)")(
      "allow", po::value<std::vector<std::string>>()->composing(),
      "LOCATOR=PUBLIC_KEY_HEX: restrict LOCATOR to listed keys (repeat; `ilnp id` prints a node's key)")(
      "expiry", po::value<double>()->default_value(90), "seconds a membership lives without a registration")(
      "max-age", po::value<double>()->default_value(60),
      "seconds a registration's timestamp may differ from our clock (replay window; at most --expiry)")(
      "max-members", po::value<std::size_t>()->default_value(4096), "memberships held at most (refused beyond)")(
      "stats-interval", po::value<double>()->default_value(60), "seconds between counter lines in the log (0: none)")(
      "verbose,v", po::bool_switch(), "also log malformed registrations");
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << desc;
    return 0;
  }
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  io::HubServerOptions options;
  options.listen = vm["listen"].as<std::string>();
  options.table.secure = !vm["legacy"].as<bool>();
  auto expiry = vm["expiry"].as<double>(), max_age = vm["max-age"].as<double>();
  if (!(expiry >= 1 && expiry <= 65535)) throw po::error("--expiry must be 1-65535 seconds");
  if (!(max_age > 0)) throw po::error("--max-age must be positive");
  options.table.member_expiry = seconds_f(expiry);
  options.table.max_registration_age = seconds_f(max_age);
  options.table.max_members = vm["max-members"].as<std::size_t>();
  options.stats_interval = seconds_f(std::max(0.0, vm["stats-interval"].as<double>()));
  if (vm.count("allow"))
    for (const auto& item : vm["allow"].as<std::vector<std::string>>()) add_allowed_key(options.table, item);
  if (!options.table.secure && !options.table.allowed_keys.empty())
    throw po::error("--allow needs signed registrations: drop --legacy");

  bool verbose = vm["verbose"].as<bool>();
  auto log = [verbose](Level level, const std::string& text) {
    if (level == Level::debug && !verbose) return;
    std::cerr << io::wall_clock_text() << " hub " << to_string(level) << ": " << text << std::endl;
  };
  boost::asio::io_context io;
  io::HubServer server(io, options, log);
  if (options.table.secure) {
    log(Level::info, "secure mode: registrations must be signed by the node's key; " +
                         std::to_string(options.table.allowed_keys.size()) + " locator(s) restricted to listed keys");
  } else {
    log(Level::warn, "legacy mode: this hub is open; anyone who can reach it may join any locator and "
                     "receive its traffic, or take over a member's NID (drop --legacy to require signatures)");
  }
  log(Level::info, "listening on " + options.listen + ", memberships expire after " + std::to_string(std::lround(expiry)) +
                       " s, at most " + std::to_string(options.table.max_members) + " members");
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int signal) {
    if (ec) return;
    log(Level::info, "received signal " + std::to_string(signal) + ", stopping: " + server.counters_text());
    io.stop();
  });
  server.start();
  io.run();
  return 0;
}

}  // namespace ilnp::apps
