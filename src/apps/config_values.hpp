// The configuration's raw values: text per "section.key", where each came
// from (FILE:LINE or the command line) and strict typed reads that name that
// origin when refusing a value. Knows no key's meaning, only their defaults.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "ilnp/core/log.hpp"

namespace ilnp::apps {

class ConfigValues {
 public:
  // `defaults`: "section.key" -> default text, for keys that have one.
  explicit ConfigValues(std::map<std::string, std::string> defaults) : defaults_(std::move(defaults)) {}

  // `file` empty: the command line (`line` unused).
  void set(const std::string& key, std::string value, std::string file, int line);
  [[nodiscard]] std::optional<std::string> get(const std::string& key) const;
  [[nodiscard]] bool given(const std::string& key) const { return values_.contains(key); }

  // "FILE:LINE", "command line --KEY" or "default"; `offset` into a value of
  // several lines (indented continuations) moves LINE to the line holding it.
  [[nodiscard]] std::string origin(const std::string& key, std::size_t offset = 0) const;
  // Throws ConfigError "ORIGIN: KEY: PROBLEM".
  [[noreturn]] void fail(const std::string& key, const std::string& problem, std::size_t offset = 0) const;

  // Strict decimal: digits only for integers; digits with one optional '.'
  // for numbers (no sign, exponent, hex, inf or nan, which stoull/stod take).
  [[nodiscard]] std::uint64_t integer(const std::string& key, std::uint64_t min, std::uint64_t max) const;
  [[nodiscard]] double number(const std::string& key, double min, double max) const;
  [[nodiscard]] bool boolean(const std::string& key) const;
  [[nodiscard]] Level level(const std::string& key) const;

 private:
  struct Entry {
    std::string value;
    std::string file;  // empty: the command line
    int line{0};
  };
  std::map<std::string, std::string> defaults_;
  std::map<std::string, Entry> values_;
};

// The strict forms ConfigValues reads, for other parsers of user text.
[[nodiscard]] bool is_decimal_integer(std::string_view text);
[[nodiscard]] bool is_decimal_number(std::string_view text);

}  // namespace ilnp::apps
