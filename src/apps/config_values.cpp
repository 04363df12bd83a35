// Typed reads refuse what the prototype's int()/float() refuse too (hex,
// exponents with junk) and more (inf, nan, exponents), so a value means one
// thing however it is written.
#include "config_values.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string_view>

#include "config.hpp"

namespace ilnp::apps {

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}
bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
}  // namespace

bool is_decimal_integer(std::string_view text) { return all_digits(text); }

bool is_decimal_number(std::string_view text) {
  auto dot = text.find('.');
  if (dot == std::string_view::npos) return all_digits(text);
  auto whole = text.substr(0, dot);
  auto fraction = text.substr(dot + 1);
  // "5", "5.", "5.25", ".25"; not ".", "5.2.1".
  return (!whole.empty() || !fraction.empty()) && (whole.empty() || all_digits(whole)) &&
         (fraction.empty() || all_digits(fraction));
}

void ConfigValues::set(const std::string& key, std::string value, std::string file, int line) {
  values_[key] = Entry{std::move(value), std::move(file), line};
}

std::optional<std::string> ConfigValues::get(const std::string& key) const {
  if (auto it = values_.find(key); it != values_.end()) return it->second.value;
  if (auto it = defaults_.find(key); it != defaults_.end()) return it->second;
  return std::nullopt;
}

std::string ConfigValues::origin(const std::string& key, std::size_t offset) const {
  auto it = values_.find(key);
  if (it == values_.end()) return "default";
  const auto& e = it->second;
  if (e.file.empty()) return "command line --" + key;
  auto before = std::string_view(e.value).substr(0, std::min(offset, e.value.size()));
  auto line = e.line + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  return e.file + ":" + std::to_string(line);
}

void ConfigValues::fail(const std::string& key, const std::string& problem, std::size_t offset) const {
  throw ConfigError(origin(key, offset) + ": " + key + ": " + problem);
}

std::uint64_t ConfigValues::integer(const std::string& key, std::uint64_t min, std::uint64_t max) const {
  auto text = *get(key);
  std::uint64_t v = 0;
  if (!is_decimal_integer(text)) fail(key, "'" + text + "' is not a whole number (decimal digits only)");
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || v < min || v > max)
    fail(key, text + " is out of range (" + std::to_string(min) + "-" + std::to_string(max) + ")");
  return v;
}

double ConfigValues::number(const std::string& key, double min, double max) const {
  auto text = *get(key);
  if (!is_decimal_number(text)) fail(key, "'" + text + "' is not a number (decimal, e.g. 0.5)");
  double v = HUGE_VAL;
  try {
    v = std::stod(text);
  } catch (const std::out_of_range&) {  // 400 digits: the only way digits and a '.' fail
  }
  if (!std::isfinite(v) || v < min || v > max)
    fail(key, text + " is out of range (" + std::to_string(min) + "-" + std::to_string(max) + ")");
  return v;
}

bool ConfigValues::boolean(const std::string& key) const {
  auto v = lower(*get(key));
  if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
  if (v == "false" || v == "no" || v == "off" || v == "0") return false;
  fail(key, "'" + v + "' is not true or false");
}

Level ConfigValues::level(const std::string& key) const {
  auto v = lower(*get(key));
  if (auto l = parse_level(v)) return *l;
  if (v == "true" || v == "yes" || v == "on" || v == "1") return Level::info;
  if (v == "false" || v == "no" || v == "off" || v == "0") return Level::warn;
  fail(key, "'" + v + "' is not true, false or one of error|warn|info|debug");
}

}  // namespace ilnp::apps
