#include "names_reply.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace ilnp::nss {

namespace {
constexpr char kSuffix[] = ".ilnp";
constexpr std::size_t kSuffixLength = sizeof kSuffix - 1;

bool hostname_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-';
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

bool is_overlay_name(const char* name) {
  std::size_t length = ::strnlen(name, kMaxNameLength + 1);
  if (length > kMaxNameLength) return false;
  if (length > 0 && name[length - 1] == '.') --length;
  if (length <= kSuffixLength) return false;
  for (std::size_t i = 0; i < length; ++i)
    if (!hostname_char(name[i])) return false;
  for (std::size_t i = 0; i < kSuffixLength; ++i)
    if (lower(name[length - kSuffixLength + i]) != kSuffix[i]) return false;
  return true;
}

int parse_addresses(const char* reply, std::size_t length, in6_addr* out, int max) {
  constexpr char kError[] = "error:";
  constexpr char kAddress[] = "address ";
  if (length >= sizeof kError - 1 && std::memcmp(reply, kError, sizeof kError - 1) == 0) return -1;
  int found = 0;
  const char* end = reply + length;
  for (const char* line = reply; line < end;) {
    const char* newline = static_cast<const char*>(std::memchr(line, '\n', static_cast<std::size_t>(end - line)));
    const char* line_end = newline ? newline : end;
    auto line_length = static_cast<std::size_t>(line_end - line);
    if (line_length > sizeof kAddress - 1 && std::memcmp(line, kAddress, sizeof kAddress - 1) == 0) {
      char text[INET6_ADDRSTRLEN] = {};
      auto text_length = line_length - (sizeof kAddress - 1);
      if (text_length >= sizeof text) return -1;
      std::memcpy(text, line + sizeof kAddress - 1, text_length);
      if (found < max) {
        if (::inet_pton(AF_INET6, text, &out[found]) != 1) return -1;
        ++found;
      }
    }
    line = line_end + 1;
  }
  return found;
}

}  // namespace ilnp::nss
