#!/usr/bin/env bash
# The project's test command: set up (packages + build with -Werror) and run
# every test tier: unit, sim, netns (needs root; skipped otherwise), interop
# (skipped without a prototype copy), then a short fuzzing run.
set -euo pipefail
cd "$(dirname "$0")/.."

CMAKE_ARGS="-DILNP_WERROR=ON" scripts/setup.sh
(cd build && ctest --output-on-failure -j2 -LE fuzz)
ILNP_FUZZ_SECONDS=${ILNP_FUZZ_SECONDS:-20} scripts/fuzz.sh
