#!/usr/bin/env bash
# The project's test command: set up (packages + build with -Werror) and run
# every test tier: unit, sim, netns (needs root; skipped otherwise), interop
# (skipped without a prototype copy), package (root), then a short fuzzing
# run, then the Raspberry Pi cross builds (scripts/cross-build.sh): arm64
# and armhf, each built with Debian's cross toolchain and its unit tests run
# under qemu-user-static (together ~10 minutes on 2 quiet cores from a cold
# ccache, ~15 under load; nearly all of it compiling). ILNP_CROSS=0 skips them;
# ILNP_CROSS_ARCHS="arm64" limits them to one architecture.
set -euo pipefail
cd "$(dirname "$0")/.."

CMAKE_ARGS="-DILNP_WERROR=ON" scripts/setup.sh
(cd build && ctest --output-on-failure -j2 -LE fuzz)
ILNP_FUZZ_SECONDS=${ILNP_FUZZ_SECONDS:-20} scripts/fuzz.sh
if [[ ${ILNP_CROSS:-1} == 1 ]]; then
  for arch in ${ILNP_CROSS_ARCHS:-arm64 armhf}; do
    start=$SECONDS
    scripts/cross-build.sh "$arch"
    echo "test: cross build $arch took $((SECONDS - start)) s"
  done
fi
