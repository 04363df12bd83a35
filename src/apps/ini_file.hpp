// Reads INI files the way the prototype's configparser does: [sections],
// `key = value` or `key: value`, `#`/`;` comment lines, indented continuation
// lines, keys case-insensitive, a key at most once per section (configparser's
// strict mode). Knows nothing of what the keys mean.
#pragma once

#include <cstddef>
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

// A configuration file is small text: anything larger (or a device such as
// /dev/zero) is refused before it is read into memory.
inline constexpr std::size_t kMaxIniFileBytes = 1024 * 1024;

// Throws IniError "FILE:LINE: problem" for broken syntax and repeated keys,
// and "FILE: problem" for a file that is missing, unreadable, not a regular
// file or larger than kMaxIniFileBytes.
[[nodiscard]] std::vector<IniEntry> read_ini_file(const std::string& path);
[[nodiscard]] std::vector<IniEntry> parse_ini(const std::string& text, const std::string& origin);

}  // namespace ilnp::apps
