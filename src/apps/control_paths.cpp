// systemd may list several directories in RUNTIME_DIRECTORY (colon-separated);
// the first is the unit's own. /run/ilnp is the parent systemd creates for
// RuntimeDirectory=ilnp/%i.
#include "control_paths.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace ilnp::apps {

namespace fs = std::filesystem;

namespace {
constexpr const char* kSystemRunDir = "/run/ilnp";

std::vector<fs::path> sockets_in(const std::string& dir) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".sock" && e.is_socket(ec)) found.push_back(e.path());
  std::sort(found.begin(), found.end());
  return found;
}
}  // namespace

std::string default_control_dir() {
  if (const char* rd = std::getenv("RUNTIME_DIRECTORY"); rd && *rd) {
    std::string dirs(rd);
    return dirs.substr(0, dirs.find(':'));
  }
  if (const char* xdg = std::getenv("XDG_RUNTIME_DIR"); xdg && *xdg) return std::string(xdg) + "/ilnp";
  if (::getuid() == 0) return kSystemRunDir;
  return "/tmp/ilnp-" + std::to_string(::getuid());
}

std::vector<std::string> control_search_dirs() {
  std::vector<std::string> dirs{default_control_dir()};
  auto add = [&](const std::string& d) {
    if (std::find(dirs.begin(), dirs.end(), d) == dirs.end()) dirs.push_back(d);
  };
  add(kSystemRunDir);
  std::vector<std::string> units;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(kSystemRunDir, ec))
    if (e.is_directory(ec)) units.push_back(e.path().string());
  std::sort(units.begin(), units.end());
  for (const auto& u : units) add(u);
  return dirs;
}

std::string find_control_socket(const std::optional<std::string>& node) {
  auto dirs = control_search_dirs();
  std::string searched;
  for (const auto& d : dirs) searched += (searched.empty() ? "" : ", ") + d;
  std::vector<fs::path> found;
  for (const auto& d : dirs)
    for (auto& s : sockets_in(d))
      if (!node || s.stem() == *node) found.push_back(std::move(s));
  if (node) {
    if (found.empty())
      throw std::runtime_error("no node '" + *node + "' found (looked for " + *node + ".sock in " + searched +
                               "; use --socket PATH)");
    return found.front().string();  // the user's own node before a system unit's
  }
  if (found.size() == 1) return found.front().string();
  if (found.empty()) throw std::runtime_error("no running node found in " + searched + " (use --socket PATH)");
  std::string names;
  for (const auto& f : found) names += " " + f.stem().string() + " (" + f.string() + ")";
  throw std::runtime_error("several nodes are running:" + names + "; choose one with --node HOSTNAME");
}

}  // namespace ilnp::apps
