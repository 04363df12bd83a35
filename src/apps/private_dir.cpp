// mkdir() with 0700 and lstat() of every component: a directory planted by
// another user (e.g. under /tmp, where names are predictable) is refused, not
// used, and a symlink is checked by who owns it and then followed.
#include "private_dir.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace ilnp::apps {

namespace fs = std::filesystem;

namespace {

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// One component: owned by us or root; writable by others only if it is a
// root-owned sticky directory (like /tmp) and not the directory we asked for.
void check_component(const fs::path& p, const struct stat& st, bool is_target, const std::string& what,
                     const std::string& target) {
  const auto me = ::geteuid();
  if (st.st_uid != me && st.st_uid != 0)
    throw std::runtime_error(what + " " + target + ": " + p.string() + " belongs to uid " + std::to_string(st.st_uid) +
                             ", not to us (uid " + std::to_string(me) +
                             "): another user could read or replace what is inside; remove it or choose another "
                             "directory (set XDG_RUNTIME_DIR / XDG_STATE_HOME, or the path in the configuration)");
  if (S_ISLNK(st.st_mode)) return;  // its target is checked when followed
  if (is_target && st.st_uid != me)
    throw std::runtime_error(what + " " + target + " belongs to uid " + std::to_string(st.st_uid) + ", not to us (uid " +
                             std::to_string(me) + "): remove it or choose another directory");
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) == 0) return;
  if (!is_target && st.st_uid == 0 && (st.st_mode & S_ISVTX)) return;
  throw std::runtime_error(what + " " + target + ": permissions " + octal_mode(st.st_mode) + " for " + p.string() +
                           " are too open (writable by group or others): chmod go-w " + p.string() +
                           " or choose another directory");
}

void check_path(const fs::path& path, const std::string& what, const std::string& target, int depth) {
  if (depth > 8) throw std::runtime_error(what + " " + target + ": too many symbolic links");
  fs::path walked;
  for (auto it = path.begin(); it != path.end(); ++it) {
    walked /= *it;
    struct stat st {};
    if (::lstat(walked.c_str(), &st) != 0)
      throw std::runtime_error(what + " " + target + ": " + walked.string() + ": " + std::strerror(errno));
    const bool last = std::next(it) == path.end();
    check_component(walked, st, last, what, target);
    if (S_ISLNK(st.st_mode)) {
      auto resolved = fs::canonical(walked);
      check_path(resolved, what, target, depth + 1);
      if (last) return;
    } else if (!S_ISDIR(st.st_mode)) {
      throw std::runtime_error(what + " " + target + ": " + walked.string() + " is not a directory");
    }
  }
}

}  // namespace

void ensure_private_dir(const std::string& path, const std::string& what) {
  if (path.empty()) throw std::runtime_error(what + ": empty directory name");
  auto absolute = fs::absolute(path).lexically_normal();
  if (absolute.has_filename() == false) absolute = absolute.parent_path();
  fs::path walked;
  for (const auto& part : absolute) {
    walked /= part;
    // EEXIST: someone's directory (checked below) or a file (refused below).
    if (::mkdir(walked.c_str(), 0700) != 0 && errno != EEXIST)
      throw std::runtime_error(what + " " + path + ": cannot create " + walked.string() + ": " + std::strerror(errno));
  }
  check_path(absolute, what, path, 0);
}

}  // namespace ilnp::apps
