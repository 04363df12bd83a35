// The steps of an atomic replace, each checked; a failure undoes the
// temporary file so a full disk leaves only the old, whole file behind.
#include "ilnp/io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ilnp::io {

std::optional<std::string> replace_file(const std::string& path, std::string_view content) {
  const std::string tmp = path + ".tmp";
  auto fail = [&](const char* step, int fd) -> std::optional<std::string> {
    std::string error = std::string(step) + " " + tmp + ": " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    return error;
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail("cannot create", -1);
  for (std::size_t off = 0; off < content.size();) {
    const auto n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot write", fd);
    if (n == 0) {
      errno = ENOSPC;
      return fail("cannot write", fd);
    }
    off += static_cast<std::size_t>(n);
  }
  // Without fsync a crash after the rename could leave an empty file in place.
  if (::fsync(fd) != 0) return fail("cannot fsync", fd);
  if (::close(fd) != 0) return fail("cannot close", -1);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail("cannot rename", -1);
  return std::nullopt;
}

}  // namespace ilnp::io
