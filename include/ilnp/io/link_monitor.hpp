// Watches network interfaces through rtnetlink (libmnl, as iproute2 does):
// reports each watched interface's state whenever it changes, starting with
// one dump of every interface. Usable means administratively up with an
// operational link (IFF_UP and IFF_RUNNING: carrier on a cable, an
// association on Wi-Fi); a deleted interface is down. Only decoding lives
// here: what a change means for the node is the core's (Node::link_changed).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

struct mnl_socket;

namespace ilnp::io {

struct LinkMonitorStats {
  std::uint64_t messages{0};   // link messages decoded
  std::uint64_t changes{0};    // changes of a watched interface reported
  std::uint64_t malformed{0};  // netlink data that did not parse (dropped)
  std::uint64_t overruns{0};   // the kernel dropped notifications (ENOBUFS): dumped again
};

class LinkMonitor {
 public:
  using Handler = std::function<void(const std::string& interface, bool up)>;

  // Every watched interface counts as up until netlink says otherwise (the
  // node starts on all its locators). Throws std::system_error when the
  // netlink socket cannot be opened or bound.
  LinkMonitor(boost::asio::io_context& io, std::vector<std::string> interfaces, Handler on_change);
  ~LinkMonitor();
  LinkMonitor(const LinkMonitor&) = delete;
  LinkMonitor& operator=(const LinkMonitor&) = delete;

  // Asks for the dump and starts listening; changes come from the event loop.
  void start();
  // Watched interface -> up now.
  [[nodiscard]] const std::map<std::string, bool>& states() const { return states_; }
  [[nodiscard]] const LinkMonitorStats& stats() const { return stats_; }

 private:
  void request_dump();
  void wait_readable();
  void drain();
  void on_link(const std::string& name, bool up);

  struct Closer {
    void operator()(mnl_socket* s) const;
  };
  std::unique_ptr<mnl_socket, Closer> socket_;
  boost::asio::posix::stream_descriptor watch_;
  std::map<std::string, bool> states_;
  Handler on_change_;
  std::vector<char> buffer_;
  std::uint32_t dump_sequence_{0};
  LinkMonitorStats stats_;

  friend struct LinkMessageParser;
};

}  // namespace ilnp::io
