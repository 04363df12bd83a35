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

// A whole number in [low, high]: program_options would wrap "-1" into a size_t.
std::size_t count_option(const po::variables_map& vm, const char* name, long long low, long long high) {
  const auto& text = vm[name].as<std::string>();
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used, 10);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || value < low || value > high)
    throw po::error("--" + std::string(name) + " must be a whole number from " + std::to_string(low) + " to " +
                    std::to_string(high) + ", not '" + text + "'");
  return static_cast<std::size_t>(value);
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
      "max-members", po::value<std::string>()->default_value("4096"), "memberships held at most (refused beyond)")(
      "max-members-per-address", po::value<std::string>()->default_value("64"),
      "memberships one source address (a host or a NAT) may hold")(
      "max-members-per-prefix", po::value<std::string>()->default_value("256"),
      "memberships one /64 (IPv6) or /24 (IPv4) may hold")(
      "max-datagram", po::value<std::string>()->default_value("1440"),
      "largest overlay datagram relayed (the nodes' link.buffer_size); larger data frames are dropped")(
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
  options.table.max_members = count_option(vm, "max-members", 1, 10'000'000);
  options.table.max_members_per_address = count_option(vm, "max-members-per-address", 1, 10'000'000);
  options.table.max_members_per_prefix = count_option(vm, "max-members-per-prefix", 1, 10'000'000);
  options.max_datagram = count_option(vm, "max-datagram", 80, 65487);
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
  log(Level::info, "listening on " + server.local_text() + ", memberships expire after " + std::to_string(std::lround(expiry)) +
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
