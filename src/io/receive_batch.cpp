// MSG_DONTWAIT: the caller was told the socket is readable; an empty queue is 0.
#include "ilnp/io/receive_batch.hpp"

namespace ilnp::io {

std::size_t ReceiveBatch::receive(int fd, std::vector<std::vector<std::byte>>& buffers) {
  for (std::size_t i = 0; i < kSize; ++i) {
    parts_[i] = iovec{buffers[i].data(), buffers[i].size()};
    messages_[i].msg_hdr = msghdr{};
    messages_[i].msg_hdr.msg_name = &from_[i];
    messages_[i].msg_hdr.msg_namelen = sizeof from_[i];
    messages_[i].msg_hdr.msg_iov = &parts_[i];
    messages_[i].msg_hdr.msg_iovlen = 1;
  }
  int n = ::recvmmsg(fd, messages_.data(), kSize, MSG_DONTWAIT, nullptr);
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

}  // namespace ilnp::io
