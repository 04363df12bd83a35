// RTM_NEWLINK/RTM_DELLINK from the RTMGRP_LINK group and one RTM_GETLINK dump,
// read without blocking from the event loop and parsed with libmnl's
// bounds-checked attribute walk: netlink is the kernel's, but its bytes are
// still checked before use.
#include "ilnp/io/link_monitor.hpp"

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace ilnp::io {

namespace {
[[noreturn]] void fail(const std::string& what) { throw std::system_error(errno, std::generic_category(), what); }
}  // namespace

void LinkMonitor::Closer::operator()(mnl_socket* s) const { mnl_socket_close(s); }

struct LinkMessageParser {
  static int on_attribute(const nlattr* attr, void* data) {
    if (mnl_attr_get_type(attr) == IFLA_IFNAME && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
      *static_cast<const char**>(data) = mnl_attr_get_str(attr);
    return MNL_CB_OK;
  }
  static int on_message(const nlmsghdr* header, void* data) {
    auto& monitor = *static_cast<LinkMonitor*>(data);
    const auto type = header->nlmsg_type;
    if (type != RTM_NEWLINK && type != RTM_DELLINK) return MNL_CB_OK;
    if (mnl_nlmsg_get_payload_len(header) < sizeof(ifinfomsg)) {
      ++monitor.stats_.malformed;
      return MNL_CB_OK;
    }
    const auto* info = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(header));
    const char* name = nullptr;
    if (mnl_attr_parse(header, sizeof(ifinfomsg), on_attribute, &name) < 0 || !name) {
      ++monitor.stats_.malformed;
      return MNL_CB_OK;
    }
    ++monitor.stats_.messages;
    const bool up = type == RTM_NEWLINK && (info->ifi_flags & IFF_UP) && (info->ifi_flags & IFF_RUNNING);
    monitor.on_link(name, up);
    return MNL_CB_OK;
  }
};

LinkMonitor::LinkMonitor(boost::asio::io_context& io, std::vector<std::string> interfaces, Handler on_change)
    : watch_(io), on_change_(std::move(on_change)), buffer_(MNL_SOCKET_BUFFER_SIZE) {
  for (auto& name : interfaces) states_[std::move(name)] = true;
  socket_.reset(mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC));
  if (!socket_) fail("netlink socket (NETLINK_ROUTE)");
  if (mnl_socket_bind(socket_.get(), RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) fail("bind netlink to RTMGRP_LINK");
  watch_.assign(::dup(mnl_socket_get_fd(socket_.get())));  // Asio closes its own copy
}

LinkMonitor::~LinkMonitor() = default;

void LinkMonitor::start() {
  request_dump();
  wait_readable();
}

void LinkMonitor::request_dump() {
  char request[MNL_SOCKET_BUFFER_SIZE];
  auto* header = mnl_nlmsg_put_header(request);
  header->nlmsg_type = RTM_GETLINK;
  header->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  header->nlmsg_seq = ++dump_sequence_;
  auto* family = static_cast<rtgenmsg*>(mnl_nlmsg_put_extra_header(header, sizeof(rtgenmsg)));
  family->rtgen_family = AF_UNSPEC;
  // A refused dump only costs the first state: notifications still come.
  if (mnl_socket_sendto(socket_.get(), header, header->nlmsg_len) < 0) ++stats_.malformed;
}

void LinkMonitor::wait_readable() {
  watch_.async_wait(boost::asio::posix::descriptor_base::wait_read, [this](boost::system::error_code ec) {
    if (ec) return;  // cancelled at shutdown
    drain();
    wait_readable();
  });
}

void LinkMonitor::drain() {
  for (;;) {
    auto n = mnl_socket_recvfrom(socket_.get(), buffer_.data(), buffer_.size());
    if (n < 0) {
      if (errno == ENOBUFS) {  // notifications were lost: ask for the whole picture again
        ++stats_.overruns;
        request_dump();
        continue;
      }
      return;  // EAGAIN: drained
    }
    // Sequence and port 0: notifications and the dump's parts alike; the dump ends with NLMSG_DONE.
    if (mnl_cb_run(buffer_.data(), static_cast<std::size_t>(n), 0, 0, LinkMessageParser::on_message, this) < 0)
      ++stats_.malformed;
  }
}

void LinkMonitor::on_link(const std::string& name, bool up) {
  auto it = states_.find(name);
  if (it == states_.end() || it->second == up) return;
  it->second = up;
  ++stats_.changes;
  on_change_(name, up);
}

}  // namespace ilnp::io
