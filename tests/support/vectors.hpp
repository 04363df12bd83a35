// Loads proto/vectors/*.vec (format in proto/README.md) for the unit tests.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ilnp/core/wire/bytes.hpp"

namespace ilnp::test {

struct Vector {
  std::string file;
  std::map<std::string, std::string> fields;  // every key: value of the block
  wire::Buffer bytes;                          // the decoded `hex:`

  [[nodiscard]] const std::string& at(const std::string& key) const { return fields.at(key); }
  [[nodiscard]] std::string name() const { return file + ":" + fields.at("name"); }
};

// Every vector of one file under proto/vectors/ (e.g. "header.vec").
[[nodiscard]] std::vector<Vector> load_vectors(const std::string& file);
[[nodiscard]] wire::Buffer from_hex(const std::string& hex);

}  // namespace ilnp::test
