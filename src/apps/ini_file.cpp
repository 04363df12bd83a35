// A small INI reader; configparser's rules, minus interpolation (the prototype
// files use none).
#include "ini_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <sstream>

namespace ilnp::apps {

namespace {
std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Closes the descriptor on every path out of read_ini_file.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};
}  // namespace

std::vector<IniEntry> parse_ini(const std::string& text, const std::string& origin) {
  std::vector<IniEntry> entries;
  std::map<std::string, int> first_line;  // "section.key" -> the line that set it
  std::istringstream in(text);
  std::string raw;
  std::string section;
  int line_no = 0;
  auto fail = [&](const std::string& what) { throw IniError(origin + ":" + std::to_string(line_no) + ": " + what); };
  while (std::getline(in, raw)) {
    ++line_no;
    auto line = trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    bool indented = raw[0] == ' ' || raw[0] == '\t';
    if (indented && !entries.empty() && entries.back().line > 0 && !section.empty() &&
        entries.back().key.starts_with(section + ".")) {
      entries.back().value += "\n" + line;  // continuation of the previous value
      continue;
    }
    if (line[0] == '[') {
      if (line.back() != ']') fail("section header without closing ']'");
      section = trim(line.substr(1, line.size() - 2));
      if (section.empty()) fail("empty section name");
      continue;
    }
    auto sep = line.find_first_of("=:");
    if (sep == std::string::npos) fail("expected 'key = value', got '" + line + "'");
    if (section.empty()) fail("key '" + trim(line.substr(0, sep)) + "' before any [section]");
    auto key = lower(trim(line.substr(0, sep)));
    if (key.empty()) fail("empty key");
    // Last-wins would silently drop the first value; configparser refuses too.
    auto full = section + "." + key;
    if (auto [at, added] = first_line.emplace(full, line_no); !added)
      fail("'" + key + "' in [" + section + "] is already set on line " + std::to_string(at->second) +
           " (a key may appear once)");
    entries.push_back(IniEntry{full, trim(line.substr(sep + 1)), line_no});
  }
  return entries;
}

std::vector<IniEntry> read_ini_file(const std::string& path) {
  auto refuse = [&](const std::string& what) { throw IniError(path + ": " + what); };
  // O_NONBLOCK: opening a FIFO must not hang; fstat on the open file, not the
  // path, so what is checked is what is read.
  Fd file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)};
  if (file.fd < 0) refuse(std::string("cannot read the file: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(file.fd, &st) != 0) refuse(std::string("cannot read the file: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) refuse("not a regular file (a configuration file is a text file)");
  auto too_large = [&] {
    refuse("larger than " + std::to_string(kMaxIniFileBytes / 1024) + " KiB: not a configuration file");
  };
  if (static_cast<std::uint64_t>(st.st_size) > kMaxIniFileBytes) too_large();
  // The file may grow after fstat: read at most one byte past the cap.
  std::string text(kMaxIniFileBytes + 1, '\0');
  std::size_t used = 0;
  while (used < text.size()) {
    auto n = ::read(file.fd, text.data() + used, text.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) refuse(std::string("cannot read the file: ") + std::strerror(errno));
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  if (used > kMaxIniFileBytes) too_large();
  text.resize(used);
  return parse_ini(text, path);
}

}  // namespace ilnp::apps
