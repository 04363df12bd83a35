// getaddrinfo with AI_V4MAPPED so that one IPv6 socket reaches IPv4 hubs too.
#include "ilnp/io/hub_address.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace ilnp::io {

sockaddr_in6 resolve_udp(const std::string& host_port, bool passive) {
  auto colon = host_port.rfind(':');
  if (colon == std::string::npos || colon + 1 == host_port.size())
    throw std::runtime_error("'" + host_port + "' is not HOST:PORT");
  auto host = host_port.substr(0, colon);
  auto port = host_port.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_family = AF_INET6;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_V4MAPPED | AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
  addrinfo* found = nullptr;
  int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0 || !found) throw std::runtime_error("cannot resolve '" + host_port + "': " + ::gai_strerror(rc));
  sockaddr_in6 out{};
  std::memcpy(&out, found->ai_addr, sizeof out);
  ::freeaddrinfo(found);
  return out;
}

hub::Endpoint to_endpoint(const sockaddr_in6& address) {
  hub::Endpoint e;
  std::memcpy(e.address.data(), &address.sin6_addr, 16);
  e.port = ntohs(address.sin6_port);
  return e;
}

sockaddr_in6 to_sockaddr(const hub::Endpoint& endpoint) {
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  std::memcpy(&a.sin6_addr, endpoint.address.data(), 16);
  a.sin6_port = htons(endpoint.port);
  return a;
}

int open_dual_stack_udp(const sockaddr_in6& address) {
  int fd = ::socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "socket(AF_INET6, SOCK_DGRAM)");
  int off = 0, buffer = 4 << 20;
  ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    int err = errno;
    ::close(fd);
    throw std::system_error(err, std::generic_category(), "bind " + to_endpoint(address).to_string());
  }
  return fd;
}

}  // namespace ilnp::io
