// A small INI reader; configparser's rules, minus interpolation (the prototype
// files use none).
#include "ini_file.hpp"

#include <algorithm>
#include <fstream>
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
}  // namespace

std::vector<IniEntry> parse_ini(const std::string& text, const std::string& origin) {
  std::vector<IniEntry> entries;
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
    entries.push_back(IniEntry{section + "." + key, trim(line.substr(sep + 1)), line_no});
  }
  return entries;
}

std::vector<IniEntry> read_ini_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw IniError(path + ": cannot read the file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_ini(buffer.str(), path);
}

}  // namespace ilnp::apps
