#!/usr/bin/env bash
# The fuzz tier: builds the libFuzzer targets (clang, ASan + UBSan) in
# build-fuzz/ and runs each for ILNP_FUZZ_SECONDS (default 30) with
# `ctest -L fuzz`. Safe to run again; crash inputs stay in
# build-fuzz/tests/fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${ILNP_FUZZ_SECONDS:-30}
if ! [[ $seconds =~ ^[0-9]+$ ]]; then
  echo "fuzz: ILNP_FUZZ_SECONDS must be a whole number of seconds, not '$seconds'" >&2
  exit 2
fi
build_dir=${FUZZ_BUILD_DIR:-build-fuzz}
jobs=$(nproc)

if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ not found; run scripts/setup.sh (packages clang, libclang-rt-dev)" >&2
  exit 1
fi

# The compiler is fixed when a build directory is first configured: start
# over if this one was configured with another compiler.
cache=$build_dir/CMakeCache.txt
if [[ -f $cache ]] && ! grep -q '^CMAKE_CXX_COMPILER:[A-Z]*=.*clang++' "$cache"; then
  echo "fuzz: $build_dir was configured with another compiler; configuring it again with clang++"
  rm -rf "$build_dir/CMakeCache.txt" "$build_dir/CMakeFiles"
fi

echo "fuzz: configuring $build_dir (clang++, ILNP_FUZZ=ON)"
# CMAKE_ARGS holds several words, as in scripts/setup.sh.
# shellcheck disable=SC2086
CXX=clang++ cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DILNP_FUZZ=ON ${CMAKE_ARGS:-} >/dev/null
echo "fuzz: building the fuzz targets"
cmake --build "$build_dir" --target ilnp_fuzz_all -j "$jobs"

echo "fuzz: running every target for ${seconds}s (ctest -L fuzz -j $jobs)"
# ctest's default limit of 1500 s per test would cut long runs short.
ctest --test-dir "$build_dir" -L fuzz -j "$jobs" --timeout $((seconds + 300)) --output-on-failure
# One summary line per target (runs, exec/s, coverage), from the test log.
grep -h '^fuzz_[a-z_]*: ok' "$build_dir/Testing/Temporary/LastTest.log" || true
