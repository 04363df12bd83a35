// Reads INI files the way the prototype's configparser does: [sections],
// `key = value` or `key: value`, `#`/`;` comment lines, indented continuation
// lines, keys case-insensitive. Knows nothing of what the keys mean.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace ilnp::apps {

struct IniEntry {
  std::string key;  // "section.key", key lower-cased
  std::string value;
  int line{0};
};

struct IniError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws IniError "FILE:LINE: problem" for unreadable files and broken syntax.
[[nodiscard]] std::vector<IniEntry> read_ini_file(const std::string& path);
[[nodiscard]] std::vector<IniEntry> parse_ini(const std::string& text, const std::string& origin);

}  // namespace ilnp::apps
