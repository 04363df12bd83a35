#!/usr/bin/env bash
# The project's test command: set up (packages + build with -Werror) and run
# every test tier: unit, sim, netns (needs root; skipped otherwise), interop
# (skipped without a prototype copy), package (root), then a short fuzzing
# run. ILNP_CROSS=1 adds the Raspberry Pi cross builds (arm64 and armhf,
# unit tests under qemu): not in CI yet, because the arm64 unit tests under
# qemu did not finish within 4 minutes when last tried (not yet understood).
set -euo pipefail
cd "$(dirname "$0")/.."

CMAKE_ARGS="-DILNP_WERROR=ON" scripts/setup.sh
(cd build && ctest --output-on-failure -j2 -LE fuzz)
ILNP_FUZZ_SECONDS=${ILNP_FUZZ_SECONDS:-20} scripts/fuzz.sh
if [[ ${ILNP_CROSS:-0} == 1 ]]; then
  for arch in arm64 armhf; do
    start=$SECONDS
    scripts/cross-build.sh "$arch"
    echo "test: cross build $arch took $((SECONDS - start)) s"
  done
fi
