// The program's configuration: every key of the prototype's INI files, each
// also settable as --section.key on the command line (which wins). Validates
// every value and names the file, the key and the problem when refusing one.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options/options_description.hpp>

#include "ilnp/core/log.hpp"
#include "ilnp/core/node/node_config.hpp"
#include "ilnp/io/hub_link.hpp"
#include "ilnp/io/multicast_link.hpp"

namespace ilnp::apps {

struct ApplicationConfig {
  std::optional<Port> port;
  std::string remote_hostname;
  Port remote_port{0};
  std::optional<double> run_time;  // seconds
  double wait_time{0.1};           // seconds between datagrams (experiment)
  bool print_datagrams{true};      // one line per datagram, like the prototype
  double progress_interval{0};     // seconds between progress lines; 0: none
  std::string results_file;        // SQLite results (every datagram and handoff event); empty: none
};

struct ProxyMappingConfig {
  std::string local_port;
  std::string remote;
  std::string remote_port;
  std::string origin;  // "FILE:LINE" (or the command line), for errors at start
};

// `[stream] serve = ssh 127.0.0.1:22 allow bob`: what `ilnp ctl stream serve` takes.
struct StreamServeConfig {
  std::string service;
  std::string target;  // TCP_HOST:TCP_PORT
  std::string allow;   // the allowed peers, separated by spaces; empty: any peer
  std::string origin;
};

// `[stream] listen = 6000 bob ssh`: what `ilnp ctl stream listen` takes.
struct StreamListenConfig {
  std::string tcp_port;
  std::string remote;
  std::string service;
  std::string origin;
};

struct ProxyConfig {
  std::optional<Port> port;  // set: open the proxy at start (0: any free port)
  std::vector<ProxyMappingConfig> mappings;
};

enum class SecurityMode { secure, legacy };

// `[tun]`: IP over the overlay (proto/README.md section 13); the prefix is
// NodeConfig::ip_prefix, set only when enabled.
struct TunConfig {
  bool enable{false};
  std::string name{"ilnp0"};
  // Where the names socket goes (DIR/HOSTNAME.sock, for the NSS module); empty: none.
  std::string names_dir{"/run/ilnp-names"};
};

// "fd69:6c6e:7000::/64" (or without "/64") -> its upper 64 bits; the lower 64 must be zero.
[[nodiscard]] std::optional<tun::IdentifierPrefix> parse_identifier_prefix(const std::string& text);

struct Config {
  NodeConfig node;
  io::LinkOptions link;
  io::HubLinkOptions hub_link;  // locators backed by relay hubs (empty: none)
  ApplicationConfig application;
  ProxyConfig proxy;
  TunConfig tun;
  Port stream_port{9899};  // overlay transport port of the stream gateway
  std::vector<StreamServeConfig> stream_serve;    // made at start, in this order
  std::vector<StreamListenConfig> stream_listen;  // made at start, after the services
  SecurityMode security_mode{SecurityMode::secure};
  std::string state_dir;  // identity.key and state.db
  bool state_database{true};
  std::string metrics_textfile;  // empty: none
  std::string trace_pcap;        // empty: no trace
  std::uint64_t trace_pcap_max_bytes{0};
  Logger::Thresholds log_levels{};
  std::string log_file;        // empty: standard error
  std::string control_socket;  // empty: the default path for the hostname
  std::vector<std::string> warnings;
};

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Every option with its default and meaning, for --help and parsing.
[[nodiscard]] boost::program_options::options_description config_options();

// Builds the configuration from an optional INI file and command-line options
// (already parsed as "section.key" -> value). Throws ConfigError.
[[nodiscard]] Config load_config(const std::optional<std::string>& file,
                                 const std::vector<std::pair<std::string, std::string>>& command_line);

// One set of locators to be at, as in `network.locators` ("0:0:0:a, 0:0:0:b")
// and `ilnp ctl move`: at most wire::kMaxUpdateLocators, none twice, never
// the all-nodes locator. Throws ConfigError with the problem (no origin).
[[nodiscard]] std::vector<Locator> parse_locator_set(const std::string& text);

// A node's own hostname names files (its state directory, HOSTNAME.sock):
// 1-64 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit, so
// it never holds '/' or is "..". Discovery carries it unchanged.
[[nodiscard]] bool valid_own_hostname(std::string_view name);
inline constexpr const char* kOwnHostnameRule =
    "must be 1-64 characters of A-Z a-z 0-9 . _ - starting with a letter or digit";

}  // namespace ilnp::apps
