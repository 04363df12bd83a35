// Blocks of `key: value` lines separated by blank lines; `#` lines are comments.
#include "vectors.hpp"

#include <fstream>
#include <stdexcept>

namespace ilnp::test {

wire::Buffer from_hex(const std::string& hex) {
  wire::Buffer out;
  int pending = -1;
  for (char c : hex) {
    if (c == ' ' || c == '\t') continue;
    int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (v < 0) throw std::runtime_error("bad hex digit in vector: " + hex);
    if (pending < 0) {
      pending = v;
    } else {
      out.push_back(static_cast<std::byte>(pending * 16 + v));
      pending = -1;
    }
  }
  if (pending >= 0) throw std::runtime_error("odd number of hex digits: " + hex);
  return out;
}

std::vector<Vector> load_vectors(const std::string& file) {
  std::ifstream in(std::string(ILNP_PROTO_DIR) + "/vectors/" + file);
  if (!in) throw std::runtime_error("cannot open proto/vectors/" + file);
  std::vector<Vector> out;
  Vector current{file, {}, {}};
  auto finish = [&] {
    if (current.fields.empty()) return;
    current.bytes = from_hex(current.fields.at("hex"));
    out.push_back(std::move(current));
    current = Vector{file, {}, {}};
  };
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '#') continue;
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      finish();
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos) throw std::runtime_error(file + ": bad line: " + line);
    auto value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    current.fields[line.substr(0, colon)] = value;
  }
  finish();
  return out;
}

}  // namespace ilnp::test
