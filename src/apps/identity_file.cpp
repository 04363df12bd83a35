// The seed is written to a temporary file and renamed into place, so a crash
// never leaves half a key behind.
#include "identity_file.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <cstring>
#include <stdexcept>

namespace ilnp::apps {

namespace fs = std::filesystem;

std::string default_state_dir(const std::string& hostname) {
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg) return std::string(xdg) + "/ilnp/" + hostname;
  if (::getuid() == 0) return "/var/lib/ilnp/" + hostname;
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/state/ilnp/" + hostname;
  return "/tmp/ilnp-state-" + std::to_string(::getuid()) + "/" + hostname;
}

security::Identity load_or_create_identity(const std::string& state_dir) {
  auto path = fs::path(state_dir) / "identity.key";
  std::error_code ec;
  if (fs::exists(path, ec)) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    auto hex = text.str();
    while (!hex.empty() && (hex.back() == '\n' || hex.back() == ' ')) hex.pop_back();
    if (!in) throw std::runtime_error(path.string() + ": cannot read the identity");
    auto seed = security::from_hex<32>(hex);
    if (!seed)
      throw std::runtime_error(path.string() +
                               ": not an identity (64 hex digits expected); it is left untouched: "
                               "move it away to create a new identity");
    return security::Identity::from_seed(*seed);
  }
  fs::create_directories(state_dir, ec);
  if (ec) throw std::runtime_error(state_dir + ": cannot create the state directory: " + ec.message());
  ::chmod(state_dir.c_str(), 0700);
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  security::Seed seed{};
  randombytes_buf(seed.data(), seed.size());
  auto tmp = path.string() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error(tmp + ": cannot write the identity: " + std::strerror(errno));
  auto text = security::to_hex(seed) + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  // link() refuses to replace an identity that appeared meanwhile.
  if (!ok || ::link(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    throw std::runtime_error(path.string() + ": cannot store the new identity: " + std::strerror(errno));
  }
  ::unlink(tmp.c_str());
  return security::Identity::from_seed(seed);
}

}  // namespace ilnp::apps
