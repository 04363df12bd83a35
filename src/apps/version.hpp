// What `ilnp --version` prints: the project's version (CMake's project())
// and the git commit it was built from. Knows nothing else of the program.
#pragma once

#include <string>

namespace ilnp::apps {

[[nodiscard]] std::string version_text();  // "ilnp 0.1.0 (git 0123456789ab)"

}  // namespace ilnp::apps
