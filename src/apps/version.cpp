// The only file that includes the generated header, so a new commit
// recompiles one file.
#include "version.hpp"

#include "ilnp_build_info.hpp"

namespace ilnp::apps {

std::string version_text() { return std::string("ilnp ") + ILNP_VERSION + " (git " + ILNP_GIT_COMMIT + ")"; }

}  // namespace ilnp::apps
