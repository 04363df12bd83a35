// The seed is written to a temporary file and linked into place, so a crash
// never leaves half a key behind. Modes are checked as ssh checks its keys.
#include "identity_file.hpp"

#include "private_dir.hpp"

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
  // systemd's StateDirectory=ilnp/%i: one directory per unit, already ours.
  if (const char* sd = std::getenv("STATE_DIRECTORY"); sd && *sd) {
    std::string dirs(sd);
    return dirs.substr(0, dirs.find(':'));
  }
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg) return std::string(xdg) + "/ilnp/" + hostname;
  if (::getuid() == 0) return "/var/lib/ilnp/" + hostname;
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/state/ilnp/" + hostname;
  return "/tmp/ilnp-state-" + std::to_string(::getuid()) + "/" + hostname;
}

namespace {
std::string octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// Like ssh: a secret others can read (or a file someone else owns) is refused.
void check_key_file(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) throw std::runtime_error(path.string() + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) throw std::runtime_error(path.string() + ": not a regular file; it is left untouched");
  if (st.st_uid != ::geteuid())
    throw std::runtime_error(path.string() + " belongs to uid " + std::to_string(st.st_uid) + ", not to us (uid " +
                             std::to_string(::geteuid()) +
                             "): someone else may know this secret; it is refused (move it away to create a new "
                             "identity)");
  if (st.st_mode & 077)
    throw std::runtime_error("permissions " + octal(st.st_mode) + " for '" + path.string() +
                             "' are too open: the identity key must not be accessible by others; it is refused "
                             "(chmod 600 " + path.string() + ", or move it away to create a new identity)");
}
}  // namespace

security::Identity load_or_create_identity(const std::string& state_dir) {
  ensure_private_dir(state_dir, "state directory");
  auto path = fs::path(state_dir) / "identity.key";
  std::error_code ec;
  if (fs::exists(fs::symlink_status(path, ec))) {
    check_key_file(path);
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
  // state.db knows peers that know us by the old NID: a lost key must not
  // quietly become a new node. Removing state.db is the explicit consent.
  if (auto db = fs::path(state_dir) / "state.db"; fs::exists(db, ec))
    throw std::runtime_error(path.string() + " is missing but " + db.string() +
                             " exists: this node had an identity, and starting would give it a new NID that its "
                             "peers do not know. Restore identity.key from a backup, or, to accept a new identity, "
                             "remove " + db.string() + " (what the node learned under the old one) and start again");
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
