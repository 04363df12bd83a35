#!/usr/bin/env bash
# The project's test command: set up (packages + build with -Werror) and run
# every test tier: unit, sim, netns (needs root; skipped otherwise), interop
# (skipped without a prototype copy), package (root), then a short fuzzing
# run and the Raspberry Pi cross builds (arm64 and armhf, unit tests under
# qemu). ILNP_SKIP_CROSS=1 skips the cross builds (CI never sets it).
set -euo pipefail
cd "$(dirname "$0")/.."

CMAKE_ARGS="-DILNP_WERROR=ON" scripts/setup.sh
(cd build && ctest --output-on-failure -j2 -LE fuzz)
ILNP_FUZZ_SECONDS=${ILNP_FUZZ_SECONDS:-20} scripts/fuzz.sh
if [[ ${ILNP_SKIP_CROSS:-0} != 1 ]]; then
  for arch in arm64 armhf; do
    start=$SECONDS
    scripts/cross-build.sh "$arch"
    echo "test: cross build $arch took $((SECONDS - start)) s"
  done
fi
