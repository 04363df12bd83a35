// One recvmmsg over a set of receive buffers, with each datagram's source:
// the receive loop the hub link and the hub server share (the multicast
// link adds IPV6_PKTINFO and keeps its own).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <vector>

#include "ilnp/core/wire/bytes.hpp"

namespace ilnp::io {

class ReceiveBatch {
 public:
  static constexpr std::size_t kSize = 32;

  // Receives up to kSize datagrams into `buffers` (at least kSize of them);
  // returns how many (0 when none is waiting or on error).
  std::size_t receive(int fd, std::vector<std::vector<std::byte>>& buffers);
  [[nodiscard]] wire::Bytes datagram(const std::vector<std::vector<std::byte>>& buffers, std::size_t i) const {
    return {buffers[i].data(), messages_[i].msg_len};
  }
  [[nodiscard]] const sockaddr_in6& source(std::size_t i) const { return from_[i]; }

 private:
  std::array<mmsghdr, kSize> messages_{};
  std::array<iovec, kSize> parts_{};
  std::array<sockaddr_in6, kSize> from_{};
};

}  // namespace ilnp::io
